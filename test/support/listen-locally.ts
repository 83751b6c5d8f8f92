import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

/** Listens on a free 127.0.0.1 port and returns the app's base URL (`http://127.0.0.1:PORT`). */
export async function listenLocally(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}
