// Child process of sample-rss.bench.ts: the sample app (sample/app.module.ts: nestjs-pino,
// Prometheus, RfsModule with metrics, alerts and dashboard, SQLite orders) as `npm start`
// runs it, on a free port (DB_PATH=':memory:' is set by the parent). Speaks the protocol of
// bench/http/bench-child.protocol.ts: `{ type: 'listening', port }`, and 'memory' → memory/CPU usage.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../sample/app.module';
import { serveAsBenchChild } from '../http/bench-child.protocol';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await serveAsBenchChild(app);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
