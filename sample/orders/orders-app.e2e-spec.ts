// The sample AppModule as it is (rfsModule: 'imported'), on Express and Fastify.
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  type ResultTestContext,
  recordedOperationCount,
  resultTestContext,
} from 'nestjs-rfs/testing';
import { AppModule } from '../app.module';

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
