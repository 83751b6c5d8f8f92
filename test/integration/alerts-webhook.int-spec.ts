import { type INestApplication, Module } from '@nestjs/common';
import { register } from 'prom-client';
import {
  AlertCondition,
  type AlertEvent,
  ResultAlertService,
  RfsModule,
  WebhookAlertNotifier,
  type WebhookAlertPayload,
} from 'nestjs-rfs';
import { freePort } from './alerts-servers';
import { type ReceivedRequest, startReceiver } from '../support/http-receiver';
import { OrdersController } from '../support/orders.controller';
import { startLocalApp } from '../support/local-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * GET /orders at `rps` requests per second for `ms`, 30% of them failing so the alert keeps
 * firing. Not timed: request latency under notifier faults is measured by
 * bench/http/notifier-faults.bench.ts.
 */
async function load(base: string, ms: number, rps = 200): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const start = Date.now();
  for (let n = 0; Date.now() - start < ms; n++) {
    const wait = start + (n * 1000) / rps - Date.now();
    if (wait > 0) await sleep(wait);
    const id = n % 10 < 3 ? `missing-${n}` : `${n}`;
    pending.push(fetch(`${base}/orders/${id}`).then((r) => r.arrayBuffer()));
  }
  await Promise.all(pending);
}

function eventKey(e: Pick<AlertEvent, 'id' | 'status' | 'evaluatedAt'>) {
  return `${e.id}|${e.status}|${e.evaluatedAt}`;
}

describe('WebhookAlertNotifier through a receiver outage (refused, 500, hanging, recovered)', () => {
  let app: INestApplication | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('delivers every event exactly once by idempotency key', async () => {
    register.clear();
    const port = await freePort(); // nothing listens yet: connections are refused
    const webhook = new WebhookAlertNotifier({
      url: `http://127.0.0.1:${port}/hook`,
      timeoutMs: 300,
      retries: 1,
      retryBaseMs: 20,
    });
    @Module({
      imports: [
        RfsModule.forRoot({
          serviceName: 'shop',
          logging: false,
          alerts: {
            defaultRules: false,
            evaluationInterval: '200ms',
            retryBaseMs: 100,
            retryMaxMs: 800,
            notifiers: [webhook],
            rules: [
              {
                name: 'orders_errors',
                operation: 'orders.*',
                metric: 'errorRate',
                condition: AlertCondition.GREATER_THAN,
                threshold: 0.1,
                window: '1m',
                minSamples: 5,
                cooldown: '1s', // a re-notification per second while firing
                severity: 'warning',
              },
            ],
          },
        }),
      ],
      controllers: [OrdersController],
    })
    class AppModule {}
    const started = await startLocalApp(AppModule);
    app = started.app;
    const base = started.base;
    const alerts = app.get(ResultAlertService);
    const produced: AlertEvent[] = [];
    alerts.onAlert((e) => produced.push(e));

    let mode: 'refuse' | 'error' | 'hang' | 'ok' = 'refuse';
    const seen: { req: ReceivedRequest; answer: number | 'hang' }[] = [];
    const respond = (req: ReceivedRequest) => {
      const answer = mode === 'error' ? 500 : mode === 'hang' ? 'hang' : 200;
      seen.push({ req, answer });
      return answer;
    };
    const roundMs = 600;
    let maxBacklog = 0;
    await load(base, 300);
    const rounds: string[] = [];

    /** One round of traffic with the receiver in `kind` mode. */
    const round = async (kind: typeof mode) => {
      mode = kind;
      if (kind === 'refuse') {
        await receiver?.close();
        receiver = undefined;
      } else receiver ??= await startReceiver(respond, port);
      const seenBefore = seen.length;
      await load(base, roundMs);
      // A 600 ms round can fall between two re-notifications (cooldown 1 s), so an outage round
      // is held (without load) until the notifier has really met this outage: a 500 or a hang
      // answered, or, for a refusing receiver, an attempt left waiting in the queue.
      const exercised = () =>
        kind === 'refuse'
          ? Object.values(alerts.getPendingNotifications()).some((n) => n > 0)
          : seen
              .slice(seenBefore)
              .some((s) => s.answer === (kind === 'error' ? 500 : 'hang'));
      if (kind !== 'ok') {
        const until = Date.now() + 20_000;
        while (!exercised() && Date.now() < until) await sleep(50);
        expect({ outage: kind, exercised: exercised() }).toEqual({
          outage: kind,
          exercised: true,
        });
      }
      if (kind !== 'ok')
        maxBacklog = Math.max(
          maxBacklog,
          ...Object.values(alerts.getPendingNotifications()),
        );
      return `${kind}: ${seen.length - seenBefore} received`;
    };

    // Each outage kind (refused → 500 → hanging) paired with a healthy round, four times over.
    for (let cycle = 0; cycle < 4; cycle++) {
      for (const outage of ['refuse', 'error', 'hang'] as const) {
        const pair =
          cycle % 2 === 0 ? [outage, 'ok' as const] : ['ok' as const, outage];
        for (const kind of pair) rounds.push(await round(kind));
      }
    }
    expect(maxBacklog).toBeGreaterThan(0);
    // The still-firing alert was re-notified (cooldown 1 s): held until it has been, however
    // slowly the rounds above ran.
    const firingCount = () =>
      produced.filter((e) => e.status === 'firing').length;
    const refiredBy = Date.now() + 20_000;
    while (firingCount() <= 3 && Date.now() < refiredBy) await sleep(50);
    mode = 'ok'; // the receiver recovers for good
    receiver ??= await startReceiver(respond, port);

    // The rule is switched off → the alert resolves; wait for the queue to drain.
    alerts.disableRule('orders_errors');
    const drainedBy = Date.now() + 15_000;
    while (
      (!produced.some((e) => e.status === 'resolved') ||
        Object.values(alerts.getPendingNotifications()).some((n) => n > 0)) &&
      Date.now() < drainedBy
    )
      await sleep(100);
    expect(produced.some((e) => e.status === 'resolved')).toBe(true);
    expect(alerts.getPendingNotifications()).toEqual({ webhook: 0 });

    // Receiver side: requests it processed (answered 200, or read and then hung).
    const processed = seen.filter((s) => s.answer !== 500).map((s) => s.req);
    const byKey = new Map<string, WebhookAlertPayload>();
    let duplicates = 0;
    for (const r of processed) {
      const body = r.body as WebhookAlertPayload;
      expect(r.headers['idempotency-key']).toBe(body.idempotencyKey);
      if (byKey.has(body.idempotencyKey)) duplicates++;
      else byKey.set(body.idempotencyKey, body);
    }
    const deliveredCount = new Map<string, number>();
    for (const body of byKey.values())
      for (const e of body.events)
        deliveredCount.set(
          eventKey(e),
          (deliveredCount.get(eventKey(e)) ?? 0) + 1,
        );
    expect([...deliveredCount.keys()].sort()).toEqual(
      produced.map(eventKey).sort(),
    );
    expect([...deliveredCount.values()].every((n) => n === 1)).toBe(true);
    // Every hung request's key was sent again and finally answered 200 (a hang counts as
    // processed: the receiver read it), so repeats of a key are certain, not timing luck.
    const hungKeys = seen
      .filter((s) => s.answer === 'hang')
      .map((s) => (s.req.body as WebhookAlertPayload).idempotencyKey);
    expect(hungKeys.length).toBeGreaterThan(0);
    for (const key of hungKeys)
      expect(
        seen.some(
          (s) =>
            s.answer === 200 &&
            (s.req.body as WebhookAlertPayload).idempotencyKey === key,
        ),
      ).toBe(true);
    expect(duplicates).toBeGreaterThan(0);
    expect(firingCount()).toBeGreaterThan(3);

    console.log(
      `[alerts-webhook] ${produced.length} events delivered once by key, ${seen.length} requests received (${duplicates} repeats of a key); rounds: ${rounds.join(', ')}. Request latency under notifier faults: bench/http/notifier-faults.bench.ts (bench/results/notifier-faults.md).`,
    );
  }, 300_000);
});
