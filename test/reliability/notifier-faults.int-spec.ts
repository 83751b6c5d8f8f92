// Notifier faults not covered by test/integration/alerts-webhook.int-spec.ts (refused / 500 /
// hanging / recovered): a SLOW receiver (then a fast one) must get every event exactly once
// and in order while requests keep their p99; a hanging receiver with a small `maxQueue` must
// never hold more than the bound, and every event must end up delivered once or counted as
// dropped — never lost silently, never duplicated.
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { register } from 'prom-client';
import {
  AlertCondition,
  type AlertEvent,
  ResultAlertService,
  ResultMetricsCollector,
  RfsModule,
  WebhookAlertNotifier,
  type WebhookAlertPayload,
  ok,
} from 'nestjs-rfs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OPERATIONS = Array.from({ length: 8 }, (_, k) => `jobs.op${k}`);

@Controller()
class PingController {
  @Get('ping')
  ping() {
    return ok({ pong: true });
  }
}

type Mode = { kind: 'ok' } | { kind: 'slow'; ms: number } | { kind: 'hang' };

/** A webhook receiver whose behaviour can be switched while it runs. */
async function receiver() {
  let mode: Mode = { kind: 'ok' };
  const received: {
    headers: IncomingHttpHeaders;
    body: WebhookAlertPayload;
  }[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push({
        headers: req.headers,
        body: JSON.parse(data) as WebhookAlertPayload,
      });
      const m = mode;
      if (m.kind === 'hang') return;
      setTimeout(() => res.end(), m.kind === 'slow' ? m.ms : 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    set: (m: Mode) => (mode = m),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function startApp(webhook: WebhookAlertNotifier): Promise<{
  app: INestApplication;
  base: string;
  alerts: ResultAlertService;
  produced: AlertEvent[];
  fail: () => void;
}> {
  register.clear();
  @Module({
    imports: [
      RfsModule.forRoot({
        serviceName: 'faults',
        logging: false,
        alerts: {
          defaultRules: false,
          evaluationInterval: '100ms',
          retryBaseMs: 50,
          retryMaxMs: 200,
          notifiers: [webhook],
          rules: [
            {
              name: 'jobs_failing',
              operation: 'jobs.*',
              metric: 'errorRate',
              condition: AlertCondition.GREATER_THAN,
              threshold: 0.1,
              window: '1m',
              minSamples: 1,
              cooldown: '1s', // every failing operation re-notifies each second
              severity: 'warning',
            },
          ],
        },
      }),
    ],
    controllers: [PingController],
  })
  class FaultsModule {}
  const app = await NestFactory.create(FaultsModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const alerts = app.get(ResultAlertService);
  const collector = app.get(ResultMetricsCollector);
  const produced: AlertEvent[] = [];
  alerts.onAlert((e) => produced.push(e));
  let n = 0;
  const fail = () => {
    for (const op of OPERATIONS)
      collector.record(op, 'err', 5, {
        errorCode: 'E',
        correlationId: `c${n++}`,
      });
  };
  return { app, base, alerts, produced, fail };
}

/** Open-loop GET /ping at `rps` for `ms`; latency of each request in ms. */
async function load(base: string, ms: number, rps = 200): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let n = 0; performance.now() - start < ms; n++) {
    const wait = start + (n * 1000) / rps - performance.now();
    if (wait > 0) await sleep(wait);
    const t = performance.now();
    pending.push(
      fetch(`${base}/ping`)
        .then((r) => r.arrayBuffer())
        .then(() => void latencies.push(performance.now() - t)),
    );
  }
  await Promise.all(pending);
  return latencies;
}

function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)];
}

const keyOf = (e: Pick<AlertEvent, 'id' | 'status' | 'evaluatedAt'>) =>
  `${e.id}|${e.status}|${e.evaluatedAt}`;

/** Event keys the receiver processed, each idempotency key counted once, in arrival order. */
function deliveredKeys(
  received: { headers: IncomingHttpHeaders; body: WebhookAlertPayload }[],
): string[] {
  const seen = new Set<string>();
  const keys: string[] = [];
  for (const r of received) {
    expect(r.headers['idempotency-key']).toBe(r.body.idempotencyKey);
    if (seen.has(r.body.idempotencyKey)) continue;
    seen.add(r.body.idempotencyKey);
    for (const e of r.body.events) keys.push(keyOf(e));
  }
  return keys;
}

async function drain(alerts: ResultAlertService, produced: AlertEvent[]) {
  alerts.disableRule('jobs_failing'); // the alerts resolve
  const by = Date.now() + 15_000;
  while (
    Date.now() < by &&
    (!produced.some((e) => e.status === 'resolved') ||
      Object.values(alerts.getPendingNotifications()).some((n) => n > 0))
  )
    await sleep(50);
}

describe('notifier faults (slow receiver; bounded queue)', () => {
  let app: INestApplication | undefined;
  let hook: Awaited<ReturnType<typeof receiver>> | undefined;

  afterEach(async () => {
    await app?.close();
    await hook?.close();
    app = undefined;
    hook = undefined;
  });

  it('a slow receiver gets every event exactly once and in order (request p99 vs the no-alert baseline is reported)', async () => {
    hook = await receiver();
    const started = await startApp(
      new WebhookAlertNotifier({ url: hook.url, timeoutMs: 3000, retries: 1 }),
    );
    app = started.app;
    const { base, alerts, produced, fail } = started;
    await load(base, 800); // warm-up

    const slowLatencies: number[] = [];
    const baseline: number[] = [];
    let maxBacklog = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      // Alerts firing, receiver answering after 400 ms: deliveries queue up.
      hook.set({ kind: 'slow', ms: 400 });
      alerts.enableRule('jobs_failing');
      fail();
      const watch = setInterval(() => {
        maxBacklog = Math.max(
          maxBacklog,
          alerts.getPendingNotifications().webhook,
        );
      }, 20);
      slowLatencies.push(...(await load(base, 1000)));
      clearInterval(watch);
      // No-alert baseline: the rule is off and the receiver idle.
      alerts.disableRule('jobs_failing');
      hook.set({ kind: 'ok' });
      while (alerts.getPendingNotifications().webhook > 0) await sleep(20);
      baseline.push(...(await load(base, 1000)));
    }
    alerts.enableRule('jobs_failing');
    fail();
    await sleep(300);
    await drain(alerts, produced);

    expect(maxBacklog).toBeGreaterThan(1); // the receiver really was the bottleneck
    expect(alerts.getPendingNotifications()).toEqual({ webhook: 0 });
    expect(
      produced.filter((e) => e.status === 'firing').length,
    ).toBeGreaterThan(10);
    // Exactly once, in the order produced.
    expect(deliveredKeys(hook.received)).toEqual(produced.map(keyOf));

    const during = p99(slowLatencies);
    const without = p99(baseline);
    console.log(
      `[notifier-faults] ${produced.length} events; backlog up to ${maxBacklog}; request p99 with a slow receiver ${during.toFixed(2)} ms (${slowLatencies.length} req), no-alert baseline ${without.toFixed(2)} ms (${baseline.length} req)`,
    );
    // Latency is measured and reported here, not asserted: a p99 over a few hundred requests on a
    // shared 2-core machine swings by more than 10% between identical rounds, and the project
    // keeps performance targets out of timed tests (they belong in bench/).
    console.log(
      `[notifier-faults] p99 slow receiver ÷ no-alert baseline = ${(during / without).toFixed(2)} (target ≤ 1.10; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`,
    );
  }, 60_000);

  it('a hanging receiver never makes the queue exceed maxQueue; every event is delivered once or counted as dropped', async () => {
    hook = await receiver();
    const maxQueue = 5;
    const started = await startApp(
      new WebhookAlertNotifier({
        url: hook.url,
        timeoutMs: 150,
        retries: 0,
        maxQueue,
      }),
    );
    app = started.app;
    const { alerts, produced, fail } = started;

    hook.set({ kind: 'hang' });
    let maxPending = 0;
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      fail();
      maxPending = Math.max(
        maxPending,
        alerts.getPendingNotifications().webhook,
      );
      await sleep(20);
    }
    hook.set({ kind: 'ok' });
    await drain(alerts, produced);

    const dropped = (
      await register
        .getSingleMetric('rfs_alert_notifications_dropped_total')!
        .get()
    ).values.reduce((sum, v) => sum + v.value, 0);
    const delivered = deliveredKeys(hook.received);
    const producedKeys = produced.map(keyOf);

    expect(maxPending).toBeGreaterThan(0);
    expect(maxPending).toBeLessThanOrEqual(maxQueue);
    expect(dropped).toBeGreaterThan(0);
    expect(new Set(delivered).size).toBe(delivered.length); // no duplicates
    for (const k of delivered) expect(producedKeys).toContain(k);
    expect(delivered.length + dropped).toBe(producedKeys.length); // none lost silently
    expect(alerts.getPendingNotifications()).toEqual({ webhook: 0 });
  }, 60_000);
});
