import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  type ResultTestContext,
  assertLogged,
  recordedOperationCount,
  resultTestContext,
} from 'nestjs-rfs/testing';
import { AppModule } from '../app.module';
import { DatabaseModule } from '../database/database.module';
import { PaymentGateway } from '../payments/payment-gateway';
import {
  PAYMENT_POLICY,
  type PaymentPolicy,
} from '../payments/payments.service';
import { OrdersModule } from './orders.module';

type Outcome = 'ok' | 'fail' | 'hang';

/**
 * The sample's real gateway made deterministic: each call takes the next scripted outcome
 * (the gateway draws two numbers per call: the outcome roll, then the latency), answers at
 * once, and `calls` counts the attempts.
 */
function scriptedGateway(): PaymentGateway & {
  script: (...outcomes: Outcome[]) => void;
  calls: number;
} {
  const gateway = new PaymentGateway();
  const queue: Outcome[] = [];
  const roll: Record<Outcome, number> = { hang: 0.1, fail: 0.5, ok: 0.9 };
  let draw = 0;
  const scripted = Object.assign(gateway, {
    calls: 0,
    script: (...outcomes: Outcome[]) => queue.push(...outcomes),
  });
  gateway.behaviour = {
    hangRate: 0.25,
    failureRate: 0.5,
    latencyMs: [0, 0],
    random: () => {
      if (draw++ % 2 === 1) return 0; // latency
      scripted.calls += 1;
      return roll[queue.shift() ?? 'ok'];
    },
  };
  return scripted;
}

const POLICY: PaymentPolicy = {
  attemptTimeoutMs: 25,
  retries: 2,
  retryDelayMs: 0,
};

const order = (reference: string, amountCents = 1500) => ({
  reference,
  customer: 'Ada Lovelace',
  amountCents,
});

describe.each(['express', 'fastify'] as const)(
  'orders sample on %s',
  (adapter) => {
    let ctx: ResultTestContext;
    let base: string;
    let gateway: ReturnType<typeof scriptedGateway>;

    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers:
          body === undefined
            ? headers
            : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return {
        status: res.status,
        headers: res.headers,
        type,
        text,
        body: /^application\/(problem\+)?json/.test(type)
          ? (JSON.parse(text) as never)
          : undefined,
      } as {
        status: number;
        headers: Headers;
        type: string;
        text: string;
        body: any;
      };
    };

    beforeEach(async () => {
      gateway = scriptedGateway();
      ctx = await resultTestContext({
        imports: [
          DatabaseModule.forRoot({ path: ':memory:', seed: false }),
          OrdersModule,
        ],
        mocks: [
          { provide: PaymentGateway, useValue: gateway },
          { provide: PAYMENT_POLICY, useValue: POLICY },
        ],
        options: { serviceName: 'orders-sample' },
        http: adapter === 'express' ? true : new FastifyAdapter(),
      });
      base = ctx.url!;
    });

    afterEach(() => ctx.close());

    describe('create and read', () => {
      it('creates an order (201) and reads it back by id', async () => {
        const created = await call('POST', '/orders', order('A-1'));
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({
          id: 1,
          reference: 'A-1',
          status: 'created',
        });
        const read = await call('GET', '/orders/1');
        expect(read.status).toBe(200);
        expect(read.body).toEqual(created.body);
      });

      it('answers 400 problem+json with one field error per bad field', async () => {
        const res = await call('POST', '/orders', {
          reference: 'x',
          amountCents: -5,
        });
        expect(res.status).toBe(400);
        expect(res.type).toContain('application/problem+json');
        expect(res.body.code).toBe('VALIDATION_ERROR');
        expect(
          res.body.errors.map((e: { field: string }) => e.field).sort(),
        ).toEqual(['amountCents', 'customer', 'reference']);
      });

      it('answers 409 for a duplicate reference (the UNIQUE constraint)', async () => {
        expect((await call('POST', '/orders', order('DUP-1'))).status).toBe(
          201,
        );
        const res = await call('POST', '/orders', order('DUP-1'));
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({
          code: 'CONFLICT',
          details: { resource: 'order' },
        });
      });

      it('answers 404 for an unknown id and 400 for a malformed one, with the correlation id', async () => {
        const missing = await call('GET', '/orders/42', undefined, {
          'x-correlation-id': 'trace-42',
        });
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({
          code: 'NOT_FOUND',
          instance: '/orders/42',
          correlationId: 'trace-42',
        });
        const malformed = await call('GET', '/orders/abc');
        expect(malformed.status).toBe(400);
        expect(malformed.body.errors[0].field).toBe('id');
        // The testing module hands out deterministic ids when the client sends none.
        expect(malformed.body.correlationId).toMatch(/^test-cid-\d+$/);
      });
    });

    describe('list with @PageQuery', () => {
      it('pages through the orders and rejects bad paging values', async () => {
        for (let i = 1; i <= 5; i++)
          await call('POST', '/orders', order(`P-${i}`));
        const page2 = await call('GET', '/orders?page=2&size=2');
        expect(page2.status).toBe(200);
        expect(page2.body).toMatchObject({
          page: 2,
          size: 2,
          total: 5,
          pages: 3,
          hasNext: true,
        });
        expect(
          page2.body.items.map((o: { reference: string }) => o.reference),
        ).toEqual(['P-3', 'P-4']);
        const bad = await call('GET', '/orders?page=0&size=500');
        expect(bad.status).toBe(400);
        expect(
          bad.body.errors.map((e: { field: string }) => e.field).sort(),
        ).toEqual(['page', 'size']);
      });
    });

    describe('batch create (FluxResult)', () => {
      it('answers 207 with the summary, the created orders and the failed items', async () => {
        await call('POST', '/orders', order('B-DUP'));
        const res = await call('POST', '/orders/batch', [
          order('B-1'),
          { reference: '?' },
          order('B-DUP'),
          order('B-2'),
        ]);
        expect(res.status).toBe(207);
        expect(res.headers.get('x-batch-total')).toBe('4');
        expect(res.headers.get('x-batch-failed')).toBe('2');
        expect(res.body.summary).toMatchObject({
          total: 4,
          successful: 2,
          failed: 2,
          successRate: 0.5,
        });
        expect(
          res.body.results.map((o: { reference: string }) => o.reference),
        ).toEqual(['B-1', 'B-2']);
        expect(
          res.body.errors.map((e: { index: number; code: string }) => [
            e.index,
            e.code,
          ]),
        ).toEqual([
          [1, 'VALIDATION_ERROR'],
          [2, 'CONFLICT'],
        ]);
      });

      it('answers 200 when every item is created and 400 for a body that is not an array', async () => {
        const all = await call('POST', '/orders/batch', [
          order('C-1'),
          order('C-2'),
        ]);
        expect(all.status).toBe(200);
        expect(all.body.success).toBe(true);
        const notArray = await call('POST', '/orders/batch', order('C-3'));
        expect(notArray.status).toBe(400);
        expect(notArray.body.errors[0].field).toBe('body');
      });
    });

    describe('streams', () => {
      beforeEach(async () => {
        for (const ref of ['S-1', 'S-2', 'S-3'])
          await call('POST', '/orders', order(ref));
      });

      it('streams every order as NDJSON', async () => {
        const res = await call('GET', '/orders/stream');
        expect(res.status).toBe(200);
        expect(res.type).toContain('application/x-ndjson');
        const lines = res.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { ok: boolean; value: unknown });
        expect(
          lines.map((l) => (l.value as { reference: string }).reference),
        ).toEqual(['S-1', 'S-2', 'S-3']);
      });

      it('streams the asked ids as NDJSON, an unknown id as an Err line', async () => {
        const res = await call('GET', '/orders/stream?ids=2,99');
        const lines = res.text
          .trim()
          .split('\n')
          .map(
            (l) =>
              JSON.parse(l) as {
                ok: boolean;
                value?: { id: number };
                error?: { code: string; status: number };
              },
          );
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatchObject({ ok: true, value: { id: 2 } });
        expect(lines[1]).toMatchObject({
          ok: false,
          error: { code: 'NOT_FOUND', status: 404 },
        });
      });

      it('sends Server-Sent Events, an unknown id as an error event with a problem body', async () => {
        const res = await call('GET', '/orders/events?ids=1,99');
        expect(res.type).toContain('text/event-stream');
        const events = res.text
          .trim()
          .split('\n\n')
          .map((block) => {
            const fields = Object.fromEntries(
              block.split('\n').map((line) => {
                const i = line.indexOf(': ');
                return [line.slice(0, i), line.slice(i + 2)];
              }),
            ) as Record<string, string>;
            return {
              event: fields.event,
              data: JSON.parse(fields.data) as Record<string, unknown>,
            };
          });
        expect(events).toHaveLength(2);
        expect(events[0].event).toBeUndefined();
        expect(events[0].data).toMatchObject({ id: 1, reference: 'S-1' });
        expect(events[1].event).toBe('error');
        expect(events[1].data).toMatchObject({
          status: 404,
          code: 'NOT_FOUND',
        });
      });
    });

    describe('pay (MonoResult + timeout + retry)', () => {
      beforeEach(async () => {
        await call('POST', '/orders', order('PAY-1', 2500));
      });

      it('retries a failing provider and pays the order', async () => {
        gateway.script('fail', 'ok');
        const res = await call('POST', '/orders/1/pay');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          id: 1,
          status: 'paid',
          paymentId: expect.stringMatching(/^pay_/),
        });
        expect(gateway.calls).toBe(2);
        expect((await call('GET', '/orders/1')).body.status).toBe('paid');
      });

      it('answers 409 when the order is already paid, without calling the provider', async () => {
        gateway.script('ok');
        expect((await call('POST', '/orders/1/pay')).status).toBe(200);
        const again = await call('POST', '/orders/1/pay');
        expect(again.status).toBe(409);
        expect(gateway.calls).toBe(1);
      });

      it('answers 502 after 1 + retries failed attempts and marks the order', async () => {
        gateway.script('fail', 'fail', 'fail');
        const res = await call('POST', '/orders/1/pay');
        expect(res.status).toBe(502);
        expect(res.body).toMatchObject({
          code: 'EXTERNAL_SERVICE_ERROR',
          details: { service: 'payments' },
        });
        expect(gateway.calls).toBe(1 + POLICY.retries);
        expect((await call('GET', '/orders/1')).body.status).toBe(
          'payment_failed',
        );
      });

      it('answers 504 when every attempt hangs past the time limit', async () => {
        gateway.script('hang', 'hang', 'hang');
        const res = await call('POST', '/orders/1/pay');
        expect(res.status).toBe(504);
        expect(res.body.code).toBe('TIMEOUT_ERROR');
        expect(gateway.calls).toBe(1 + POLICY.retries);
      });

      it('answers 404 for an unknown order', async () => {
        expect((await call('POST', '/orders/77/pay')).status).toBe(404);
        expect(gateway.calls).toBe(0);
      });
    });

    describe('telemetry (testing kit)', () => {
      it('logs each service call and the HTTP handler with the same correlation id', async () => {
        const capture = ctx.capture;
        await call('GET', '/orders/5', undefined, {
          'x-correlation-id': 'look-5',
        });
        const [service] = assertLogged(
          capture,
          { operation: 'OrdersService.get', outcome: 'err' },
          1,
        );
        expect(service).toMatchObject({
          correlationId: 'look-5',
          level: 40,
          error: { code: 'NOT_FOUND' },
        });
        assertLogged(
          capture,
          { operation: 'orders.get', correlationId: 'look-5' },
          1,
        );
      });

      it('counts operations in the metrics, payments attempts included', async () => {
        const metrics = ctx.metrics;
        await call('POST', '/orders', order('M-1'));
        gateway.script('fail', 'fail', 'fail');
        await call('POST', '/orders/1/pay');
        await call('GET', '/orders/9');
        expect(
          await recordedOperationCount(metrics, 'orders.create', 'ok'),
        ).toBe(1);
        expect(await recordedOperationCount(metrics, 'orders.get', 'err')).toBe(
          1,
        );
        expect(
          await recordedOperationCount(metrics, 'payments.charge', 'err'),
        ).toBe(1);
        expect(await recordedOperationCount(metrics, 'orders.pay', 'err')).toBe(
          1,
        );
      });

      it('fires the default error-rate alert when lookups keep failing, and resolves it', async () => {
        const { clock } = ctx;
        const alerts = ctx.alerts.service;
        // minSamples 20 over 5m, error rate > 5%, held for 1m.
        for (let i = 0; i < 25; i++) await call('GET', `/orders/${1000 + i}`);
        clock.advance(15_000);
        expect(alerts.getActiveAlerts().map((a) => a.rule)).not.toContain(
          'rfs_high_error_rate',
        );
        clock.advance(60_000);
        const active = alerts
          .getActiveAlerts()
          .filter((a) => a.rule === 'rfs_high_error_rate');
        expect(active.map((a) => a.operation).sort()).toEqual([
          'OrdersService.get',
          'orders.get',
        ]);
        expect(active[0]).toMatchObject({
          severity: 'critical',
          status: 'firing',
        });
        // Once the failures leave the 5m window, the alert resolves.
        clock.advance(6 * 60_000);
        expect(
          alerts
            .getActiveAlerts()
            .filter((a) => a.rule === 'rfs_high_error_rate'),
        ).toEqual([]);
        await ctx.alerts.flush();
        expect(
          ctx.alerts
            .delivered({ rule: 'rfs_high_error_rate', operation: 'orders.get' })
            .map((e) => e.status),
        ).toEqual(['firing', 'resolved']);
      });
    });
  },
);

describe.each(['express', 'fastify'] as const)(
  'the sample AppModule as it is (%s)',
  (adapter) => {
    let ctx: ResultTestContext;

    beforeEach(async () => {
      // Read when the providers are created.
      process.env.DB_PATH = ':memory:';
      process.env.LOG_LEVEL = 'silent';
      ctx = await resultTestContext({
        imports: [AppModule],
        rfsModule: 'imported',
        http: adapter === 'express' ? true : new FastifyAdapter(),
      });
    });

    afterEach(async () => {
      await ctx.close();
      delete process.env.DB_PATH;
      delete process.env.LOG_LEVEL;
    });

    it('serves the seeded orders, /metrics and the dashboard', async () => {
      const order = await fetch(`${ctx.url}/orders/1`);
      expect(order.status).toBe(200);
      expect(order.headers.get('x-correlation-id')).toBe('test-cid-1');
      expect(await order.json()).toMatchObject({ reference: 'SEED-0001' });

      // PrometheusModule serves the default registry (the rfs series of a test context live
      // in a registry of their own: ctx.metrics).
      const scrape = await fetch(`${ctx.url}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('process_cpu_user_seconds_total');
      expect(
        await recordedOperationCount(ctx.metrics, 'orders.get', 'ok'),
      ).toBe(1);

      const page = await fetch(`${ctx.url}/rfs/dashboard/ui`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const snapshot = (await (
        await fetch(`${ctx.url}/rfs/dashboard`)
      ).json()) as {
        service: string;
        operations: Array<{ operation: string; ok: number }>;
        alertRules: Array<{ name: string }>;
      };
      expect(snapshot.service).toBe('orders-sample');
      expect(
        snapshot.operations.find((o) => o.operation === 'orders.get')?.ok,
      ).toBe(1);
      expect(snapshot.alertRules.map((r) => r.name)).toEqual([
        'rfs_high_error_rate',
        'rfs_slow_operations',
        'rfs_low_batch_success_rate',
      ]);
    });
  },
);
