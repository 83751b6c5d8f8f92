// Notifier faults not covered by test/integration/alerts-webhook.int-spec.ts (refused / 500 /
// hanging / recovered): a SLOW receiver (then a fast one) must get every event exactly once
// and in order while requests keep flowing; a hanging receiver with a small `maxQueue` must
// never hold more than the bound, and every event must end up delivered once or counted as
// dropped — never lost silently, never duplicated.
// Correctness only: every wait is "until the condition holds" (bounded), never "whatever
// happened within N ms". Request latency under these faults is measured by
// bench/http/notifier-faults.bench.ts (`npm run bench -- http/notifier-faults.bench.ts`).
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Polls `done` every 20 ms until it holds or `ms` pass; returns whether it held. */
async function waitFor(done: () => boolean, ms = 20_000): Promise<boolean> {
  const by = Date.now() + ms;
  while (!done()) {
    if (Date.now() > by) return false;
    await sleep(20);
  }
  return true;
}
const OPERATIONS = Array.from({ length: 8 }, (_, k) => `jobs.op${k}`);

@Controller()
class PingController {
  @Get('ping')
  ping() {
    return ok({ pong: true });
  }
}

type Mode = { kind: 'ok' } | { kind: 'slow'; ms: number } | { kind: 'hang' };

/** A request the receiver read; `answered`: it was (or will be) answered 200, not left hanging. */
interface Received {
  headers: IncomingHttpHeaders;
  body: WebhookAlertPayload;
  answered: boolean;
}

/** A webhook receiver whose behaviour can be switched while it runs. */
async function receiver() {
  let mode: Mode = { kind: 'ok' };
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const m = mode;
      received.push({
        headers: req.headers,
        body: JSON.parse(data) as WebhookAlertPayload,
        answered: m.kind !== 'hang',
      });
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

/** GET /ping at `rps` for `ms` (requests in flight while the notifier struggles; not timed). */
async function load(base: string, ms: number, rps = 200): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const start = Date.now();
  for (let n = 0; Date.now() - start < ms; n++) {
    const wait = start + (n * 1000) / rps - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(fetch(`${base}/ping`).then((r) => r.arrayBuffer()));
  }
  await Promise.all(pending);
}

const keyOf = (e: Pick<AlertEvent, 'id' | 'status' | 'evaluatedAt'>) =>
  `${e.id}|${e.status}|${e.evaluatedAt}`;

/**
 * Event keys the receiver answered 200, each idempotency key counted once, in arrival order
 * (a request left hanging is not a delivery: the notifier times out and tries again or drops).
 */
function deliveredKeys(received: Received[]): string[] {
  const seen = new Set<string>();
  const keys: string[] = [];
  for (const r of received) {
    expect(r.headers['idempotency-key']).toBe(r.body.idempotencyKey);
    if (!r.answered || seen.has(r.body.idempotencyKey)) continue;
    seen.add(r.body.idempotencyKey);
    for (const e of r.body.events) keys.push(keyOf(e));
  }
  return keys;
}

/** Count of pending notification events (all notifiers). */
function pendingOf(alerts: ResultAlertService): number {
  return Object.values(alerts.getPendingNotifications()).reduce(
    (a, b) => a + b,
    0,
  );
}

/** Disables the rule (its alerts resolve) and waits until every notification is delivered. */
async function drain(alerts: ResultAlertService): Promise<boolean> {
  alerts.disableRule('jobs_failing');
  return waitFor(() => pendingOf(alerts) === 0);
}

async function metricTotal(name: string): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
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

  it('a slow receiver gets every event exactly once and in order', async () => {
    hook = await receiver();
    const started = await startApp(
      new WebhookAlertNotifier({ url: hook.url, timeoutMs: 3000, retries: 1 }),
    );
    app = started.app;
    const { base, alerts, produced, fail } = started;
    const firing = () => produced.filter((e) => e.status === 'firing').length;
    await load(base, 300);

    let maxBacklog = 0;
    const cycles: { fired: boolean; drained: boolean }[] = [];
    for (let cycle = 0; cycle < 3; cycle++) {
      // Alerts firing, receiver answering after 400 ms, requests flowing: held until this
      // cycle's alerts (one per operation) fired and a batch was seen waiting for the receiver.
      hook.set({ kind: 'slow', ms: 400 });
      alerts.enableRule('jobs_failing');
      fail();
      const firedBefore = firing();
      let backlog = 0;
      const traffic = load(base, 500);
      const fired = await waitFor(() => {
        backlog = Math.max(backlog, pendingOf(alerts));
        return firing() >= firedBefore + OPERATIONS.length && backlog > 1;
      });
      await traffic;
      maxBacklog = Math.max(maxBacklog, backlog);
      // The rule is switched off (its alerts resolve) and the receiver recovers.
      alerts.disableRule('jobs_failing');
      hook.set({ kind: 'ok' });
      cycles.push({
        fired,
        drained: await waitFor(() => pendingOf(alerts) === 0),
      });
    }
    alerts.enableRule('jobs_failing');
    fail();
    const firedBefore = firing();
    const refired = await waitFor(() => firing() > firedBefore);
    const drained = await drain(alerts);

    expect(cycles).toEqual(
      Array.from({ length: 3 }, () => ({ fired: true, drained: true })),
    );
    expect({ refired, drained }).toEqual({ refired: true, drained: true });
    expect(maxBacklog).toBeGreaterThan(1); // deliveries waited for the slow receiver
    expect(alerts.getPendingNotifications()).toEqual({ webhook: 0 });
    expect(firing()).toBeGreaterThan(3 * OPERATIONS.length);
    // Exactly once, in the order produced.
    expect(deliveredKeys(hook.received)).toEqual(produced.map(keyOf));
    console.log(
      `[notifier-faults] ${produced.length} events delivered once, in order; backlog up to ${maxBacklog}. Request latency under notifier faults: bench/http/notifier-faults.bench.ts (bench/results/notifier-faults.md).`,
    );
  }, 120_000);

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

    // Held until the hang really hurt: alerts fired, a delivery timed out (counted as failed),
    // and the full queue dropped events. The queue bound is checked at every poll.
    hook.set({ kind: 'hang' });
    let maxPending = 0;
    let failed = 0;
    let dropped = 0;
    const by = Date.now() + 30_000;
    while (
      Date.now() < by &&
      !(produced.length > 0 && failed > 0 && dropped > 0)
    ) {
      fail();
      maxPending = Math.max(maxPending, pendingOf(alerts));
      failed = await metricTotal('rfs_alert_notifications_failed_total');
      dropped = await metricTotal('rfs_alert_notifications_dropped_total');
      await sleep(20);
    }
    expect({ failed: failed > 0, dropped: dropped > 0 }).toEqual({
      failed: true,
      dropped: true,
    });
    hook.set({ kind: 'ok' });
    expect(await drain(alerts)).toBe(true);

    dropped = await metricTotal('rfs_alert_notifications_dropped_total');
    const delivered = deliveredKeys(hook.received);
    const producedKeys = produced.map(keyOf);

    expect(maxPending).toBeGreaterThan(0);
    expect(maxPending).toBeLessThanOrEqual(maxQueue);
    expect(hook.received.some((r) => !r.answered)).toBe(true); // some were left hanging
    expect(new Set(delivered).size).toBe(delivered.length); // no duplicates
    for (const k of delivered) expect(producedKeys).toContain(k);
    // Every event answered 200 once or counted as dropped: none lost silently.
    expect(delivered.length + dropped).toBe(producedKeys.length);
    expect(alerts.getPendingNotifications()).toEqual({ webhook: 0 });
  }, 120_000);
});
