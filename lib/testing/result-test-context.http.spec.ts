// resultTestContext over an application module that configures RfsModule itself
// (rfsModule: 'imported'), served by real Nest apps on Express and Fastify.
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import {
  AlertCondition,
  RfsError,
  RfsModule,
  RfsOperation,
  err,
  ok,
  type Result,
} from 'nestjs-rfs';
import {
  ResultServiceMocker,
  assertLogged,
  assertRecordedMetric,
  resultTestContext,
  type ResultTestContext,
} from 'nestjs-rfs/testing';
import { HTTP_ADAPTERS } from '../../test/support/http-adapters';

@Injectable()
class OrdersRepository {
  find(id: string): Result<{ id: string }, RfsError> {
    return id === 'missing' ? err(RfsError.notFound('order', id)) : ok({ id });
  }
}

@Controller('orders')
class OrdersController {
  constructor(private readonly repo: OrdersRepository) {}

  @Get(':id')
  @RfsOperation('orders.get')
  get(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return this.repo.find(id);
  }
}

@Module({
  imports: [
    RfsModule.forRoot({
      serviceName: 'shop',
      alerts: {
        defaultRules: false,
        rules: [
          {
            name: 'orders_not_found',
            operation: 'orders.*',
            metric: 'errorCount',
            condition: AlertCondition.GREATER_OR_EQUAL,
            threshold: 2,
            window: '1m',
            minSamples: 1,
            severity: 'warning',
          },
        ],
      },
    }),
  ],
  controllers: [OrdersController],
  providers: [OrdersRepository],
})
class ShopModule {}

describe.each(HTTP_ADAPTERS)(
  'resultTestContext over an app module (%s)',
  (_name, adapter) => {
    let ctx: ResultTestContext;
    let base: string;

    beforeEach(async () => {
      ctx = await resultTestContext({
        imports: [ShopModule],
        rfsModule: 'imported',
        http: adapter(),
      });
      base = ctx.url!;
    });
    afterEach(() => ctx.close());

    it('captures the handler’s lines, ids and metrics with the app’s own RfsModule', async () => {
      const a = await fetch(`${base}/orders/1`);
      const b = await fetch(`${base}/orders/missing`);
      expect(a.status).toBe(200);
      expect(b.status).toBe(404);
      expect(a.headers.get('x-correlation-id')).toBe('test-cid-1');
      expect(b.headers.get('x-correlation-id')).toBe('test-cid-2');
      assertLogged(ctx.capture, {
        operation: 'orders.get',
        outcome: 'ok',
        correlationId: 'test-cid-1',
      });
      const [line] = assertLogged(ctx.capture, {
        operation: 'orders.get',
        outcome: 'err',
        correlationId: 'test-cid-2',
      });
      expect(line.service).toBe('shop');
      expect(ctx.capture.entries({ operation: 'orders.get' })).toHaveLength(2);
      await assertRecordedMetric(ctx.metrics, 'orders.get', 'ok', 1);
      await assertRecordedMetric(ctx.metrics, 'orders.get', 'err', 1);
      expect(ctx.app).toBeDefined();
    });

    it('the clock drives the app’s alert rules', async () => {
      await fetch(`${base}/orders/missing`);
      await fetch(`${base}/orders/missing`);
      ctx.clock.advance(15_000);
      expect(
        ctx.alerts.events({ rule: 'orders_not_found', status: 'firing' }),
      ).toHaveLength(1);
      await ctx.alerts.flush();
      expect(ctx.alerts.delivered({ status: 'firing' })).toHaveLength(1);
    });
  },
);

describe('resultTestContext with rfsModule: imported', () => {
  it('takes mocks for the app’s providers', async () => {
    const repo = new ResultServiceMocker(OrdersRepository).returnsErr(
      'find',
      RfsError.serviceUnavailable('db down'),
    );
    const ctx = await resultTestContext({
      imports: [ShopModule],
      rfsModule: 'imported',
      mocks: [repo],
    });
    try {
      const r = ctx.module.get(OrdersController).get('1');
      expect(r.isErr() && r.error.code).toBe('SERVICE_UNAVAILABLE');
      repo.assertCalledOnce('find');
    } finally {
      await ctx.close();
    }
  });

  it.each(HTTP_ADAPTERS)(
    'configureApp runs before the app listens (%s)',
    async (_name, adapter) => {
      const ctx = await resultTestContext({
        imports: [ShopModule],
        rfsModule: 'imported',
        http: adapter(),
        configureApp: (app) => {
          app.setGlobalPrefix('api');
        },
      });
      try {
        const res = await fetch(`${ctx.url}/api/orders/1`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ id: '1' });
        expect((await fetch(`${ctx.url}/orders/1`)).status).toBe(404);
        assertLogged(ctx.capture, {
          operation: 'orders.get',
          outcome: 'ok',
        });
      } finally {
        await ctx.close();
      }
    },
  );

  it('refuses configureApp without http', async () => {
    await expect(
      resultTestContext({
        imports: [ShopModule],
        rfsModule: 'imported',
        configureApp: () => undefined,
      }),
    ).rejects.toThrow('`configureApp` configures the HTTP application');
  });

  it('refuses testing-module options, whose place is the app’s forRoot', async () => {
    await expect(
      resultTestContext({
        imports: [ShopModule],
        rfsModule: 'imported',
        options: {},
      }),
    ).rejects.toThrow(
      "with rfsModule: 'imported' your own RfsModule.forRoot(...) holds the options",
    );
  });
});
