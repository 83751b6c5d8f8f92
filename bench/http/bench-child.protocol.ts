// The parent ↔ child protocol of the HTTP and memory benches: a child app listens on 127.0.0.1
// (free port), reports `{ type: 'listening', port }` over IPC, answers `'memory'` with its
// memory/CPU usage, and closes the app when the parent disconnects or sends SIGTERM.
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

/** What the child sends to its parent. */
export type ServerMessage =
  | { type: 'listening'; port: number; pid: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage; cpu: NodeJS.CpuUsage };

/** Listens on a free loopback port and serves the protocol above for `app`. */
export async function serveAsBenchChild(app: INestApplication): Promise<void> {
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    void app.close().finally(() => process.exit(0));
  };
  process.on('disconnect', close);
  process.on('SIGTERM', close);
  process.on('message', (m) => {
    if (m === 'memory')
      process.send?.({
        type: 'memory',
        usage: process.memoryUsage(),
        cpu: process.cpuUsage(),
      } satisfies ServerMessage);
  });
  process.send?.({
    type: 'listening',
    port,
    pid: process.pid,
  } satisfies ServerMessage);
}
