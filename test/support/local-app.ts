import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import type { AddressInfo } from 'node:net';

/** Listens on a free 127.0.0.1 port and returns the app's base URL (`http://127.0.0.1:PORT`). */
export async function listenLocally(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * Creates the app of `module` on `adapter` (default Express) without Nest's console logger,
 * listens on a free 127.0.0.1 port and returns it with its base URL. A failing module init
 * rejects (`abortOnError: false`) instead of ending the test process. The caller closes it.
 */
export async function startLocalApp(
  module: Type,
  adapter?: AbstractHttpAdapter,
): Promise<{ app: INestApplication; base: string }> {
  const options = { logger: false as const, abortOnError: false };
  const app = adapter
    ? await NestFactory.create(module, adapter, options)
    : await NestFactory.create(module, options);
  return { app, base: await listenLocally(app) };
}
