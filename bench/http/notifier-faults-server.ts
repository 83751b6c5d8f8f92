// Child process of notifier-faults.bench.ts: `node --require bench/harness/register.js
// notifier-faults-server.ts <webhook url> <threshold>`. One Nest app (Express, nestjs-pino with
// rfsPinoHttp, RfsModule in production mode) serving four resources, with one alert rule on
// their error rate and a WebhookAlertNotifier posting to `<webhook url>`. Every condition of the
// bench runs this same app and configuration; only the receiver behind the URL differs, and the
// no-alert baseline gets a threshold the error rate can never exceed.
// Speaks bench-child.protocol.ts, and answers 'alerts' with the alert pipeline's counters.
import 'reflect-metadata';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Logger, LoggerModule } from 'nestjs-pino';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { register } from 'prom-client';
import {
  AlertCondition,
  MonoResult,
  ResultAlertService,
  RfsError,
  RfsModule,
  RfsOperation,
  WebhookAlertNotifier,
  rfsPinoHttp,
} from 'nestjs-rfs';
import { serveAsBenchChild } from './bench-child.protocol';
import type { AlertsReport, LoopDelayReport } from './notifier-faults.protocol';

/** Ok for numeric ids, an Err not-found (404 problem+json) for ids starting with `missing`. */
function lookup(resource: string, id: string): MonoResult<object, RfsError> {
  return MonoResult.fromPromise(
    () => Promise.resolve(id),
    (cause) => RfsError.internal('lookup failed', cause),
  ).flatMap((found) =>
    found.startsWith('missing')
      ? MonoResult.err(RfsError.notFound(resource, found))
      : MonoResult.ok({ id: found, status: 'open', total: 42.5 }),
  );
}

@Controller()
class ResourcesController {
  @Get('orders/:id')
  @RfsOperation('orders.get')
  order(@Param('id') id: string) {
    return lookup('order', id);
  }

  @Get('customers/:id')
  @RfsOperation('customers.get')
  customer(@Param('id') id: string) {
    return lookup('customer', id);
  }

  @Get('invoices/:id')
  @RfsOperation('invoices.get')
  invoice(@Param('id') id: string) {
    return lookup('invoice', id);
  }

  @Get('shipments/:id')
  @RfsOperation('shipments.get')
  shipment(@Param('id') id: string) {
    return lookup('shipment', id);
  }
}

async function metricTotal(name: string): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

async function main(): Promise<void> {
  const [url, threshold] = process.argv.slice(2);
  if (!url || !Number.isFinite(Number(threshold)))
    throw new Error(
      'usage: notifier-faults-server.ts <webhook url> <threshold>',
    );
  @Module({
    imports: [
      LoggerModule.forRoot({ pinoHttp: rfsPinoHttp() }),
      RfsModule.forRoot({
        serviceName: 'bench',
        environment: 'production',
        alerts: {
          defaultRules: false,
          evaluationInterval: '250ms',
          retryBaseMs: 100,
          retryMaxMs: 1000,
          shutdownFlushMs: 200, // the bench does not wait for a hanging receiver at exit
          notifiers: [
            new WebhookAlertNotifier({
              url,
              timeoutMs: 1000,
              retries: 1,
              retryBaseMs: 50,
              maxQueue: 200,
            }),
          ],
          rules: [
            {
              name: 'lookups_failing',
              operation: '*.get',
              metric: 'errorRate',
              condition: AlertCondition.GREATER_THAN,
              threshold: Number(threshold),
              window: '1m',
              minSamples: 10,
              cooldown: '1s', // every firing operation is re-notified each second
              severity: 'warning',
            },
          ],
        },
      }),
    ],
    controllers: [ResourcesController],
  })
  class NotifierFaultsModule {}

  const app = await NestFactory.create(
    NotifierFaultsModule,
    new ExpressAdapter(),
    { bufferLogs: true },
  );
  // Notifier failure warnings go through pino like every other line (to stdout = /dev/null).
  app.useLogger(app.get(Logger));
  const alerts = app.get(ResultAlertService);
  let events = 0;
  alerts.onAlert(() => events++);
  // Stalls of this app's event loop (what a notifier doing work on it would cause), read and
  // reset by the parent around each round.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('message', (m) => {
    if (m === 'loop') {
      process.send?.({
        type: 'loop',
        p99Ms: loop.percentile(99) / 1e6,
        maxMs: loop.max / 1e6,
      } satisfies LoopDelayReport);
      loop.reset();
    }
    if (m !== 'alerts') return;
    void (async () => {
      const report: AlertsReport = {
        type: 'alerts',
        events,
        firing: alerts.getActiveAlerts().length,
        pending: Object.values(alerts.getPendingNotifications()).reduce(
          (a, b) => a + b,
          0,
        ),
        failed: await metricTotal('rfs_alert_notifications_failed_total'),
        dropped: await metricTotal('rfs_alert_notifications_dropped_total'),
      };
      process.send?.(report);
    })();
  });
  await serveAsBenchChild(app);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
