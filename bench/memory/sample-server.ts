// Child process of sample-rss.bench.ts: the sample app (sample/app.module.ts: nestjs-pino,
// Prometheus, RfsModule with metrics, alerts and dashboard, SQLite orders) as `npm start`
// runs it, on a free port (DB_PATH=':memory:' is set by the parent). Speaks the protocol of
// bench/http/http-server.ts: `{ type: 'listening', port }`, and 'memory' → memory/CPU usage.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../sample/app.module';
import type { ServerMessage } from '../http/http-server';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const close = () => void app.close().finally(() => process.exit(0));
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

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
