// Child process of shutdown.e2e-spec.ts: `node --require bench/harness/register.js
// shutdown.app.ts <express|fastify>` with WEBHOOK_URL set. An RfsModule app (correlation,
// Result interceptor, metrics, alerts with a webhook) whose main handles SIGTERM the way the
// README recommends: `await app.close()`, then let the event loop drain (no process.exit), so
// the exit code is 0 only if nothing the library started keeps the process alive.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import {
  AlertCondition,
  MonoResult,
  RfsError,
  RfsModule,
  WebhookAlertNotifier,
  err,
  ok,
} from 'nestjs-rfs';

process.on('unhandledRejection', (e) => {
  process.stderr.write(`UNHANDLED REJECTION ${String(e)}\n`);
  process.exitCode = 1;
});

@Controller()
class ShutdownController {
  @Get('slow')
  slow(): MonoResult<{ done: true }, RfsError> {
    return MonoResult.fromPromise(
      () =>
        new Promise<{ done: true }>((r) =>
          setTimeout(() => r({ done: true }), 500),
        ),
      (cause) => RfsError.internal('slow failed', cause),
    );
  }

  @Get('fail')
  fail() {
    return err(RfsError.serviceUnavailable('down'));
  }

  @Get('ok')
  ok() {
    return ok({ ok: true });
  }
}

@Module({
  imports: [
    RfsModule.forRoot({
      serviceName: 'shutdown',
      logging: false,
      alerts: {
        defaultRules: false,
        evaluationInterval: '100ms',
        shutdownFlushMs: 4000,
        notifiers: [
          new WebhookAlertNotifier({
            url: process.env.WEBHOOK_URL ?? 'http://127.0.0.1:9/hook',
            timeoutMs: 3000,
          }),
        ],
        rules: [
          {
            name: 'shutdown_errors',
            operation: '*',
            metric: 'errorRate',
            condition: AlertCondition.GREATER_THAN,
            threshold: 0.1,
            window: '1m',
            minSamples: 5,
            severity: 'critical',
          },
        ],
      },
    }),
  ],
  controllers: [ShutdownController],
})
class ShutdownAppModule {}

async function main(): Promise<void> {
  const adapter = process.argv[2];
  const app = await NestFactory.create(
    ShutdownAppModule,
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  process.once('SIGTERM', () => {
    process.send?.({ type: 'closing' });
    void app.close().then(
      () => {
        process.send?.({ type: 'closed' });
        process.disconnect?.();
      },
      (e: unknown) => {
        process.stderr.write(`CLOSE FAILED ${String(e)}\n`);
        process.exit(2);
      },
    );
  });
  process.send?.({
    type: 'listening',
    port: (app.getHttpServer().address() as AddressInfo).port,
  });
}

void main();
