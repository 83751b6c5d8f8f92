import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  AlertCondition,
  LogResultOperation,
  RfsError,
  err,
  getRfsClockToken,
  ok,
  type Result,
} from 'nestjs-rfs';
import { MonoResult } from '../result/mono-result';
import { FluxResult } from '../result/flux-result';
import {
  RecordingAlertNotifier,
  ResultServiceMocker,
  RfsAssertionError,
  RfsLogCapture,
  RfsTestClock,
  RfsTestingModule,
  assertLogged,
  assertRecordedMetric,
  recordedOutcomes,
  resultTestContext,
  type ResultTestContext,
} from 'nestjs-rfs/testing';

@Injectable()
class StockService {
  reserve(qty: number): Result<number, RfsError> {
    return qty <= 10 ? ok(qty) : err(RfsError.conflict('stock', 'too few'));
  }
}

@Injectable()
class OrdersService {
  constructor(private readonly stock: StockService) {}

  @LogResultOperation()
  create(qty: number): Result<{ qty: number }, RfsError> {
    return this.stock.reserve(qty).map((q) => ({ qty: q }));
  }
}

const rule = {
  name: 'orders_errors',
  operation: 'OrdersService.*',
  metric: 'errorCount' as const,
  condition: AlertCondition.GREATER_OR_EQUAL,
  threshold: 3,
  window: '1m' as const,
  for: '30s',
  minSamples: 1,
  severity: 'critical' as const,
};

describe('resultTestContext / RfsTestingModule', () => {
  let ctx: ResultTestContext;
  beforeEach(async () => {
    ctx = await resultTestContext({
      providers: [OrdersService, StockService],
      options: {
        serviceName: 'orders',
        alerts: { rules: [rule], defaultRules: false },
      },
    });
  });
  afterEach(() => ctx.close());

  it('captures Result log lines with deterministic correlation ids', () => {
    const orders = ctx.module.get(OrdersService);
    ctx.withCorrelation(() => orders.create(2));
    ctx.withCorrelation(() => orders.create(50));
    orders.create(1); // outside any correlation context
    const okLines = ctx.capture.entries({ outcome: 'ok' });
    expect(okLines.map((e) => [e.correlationId, e.level])).toEqual([
      ['test-cid-1', 30],
      [null, 30],
    ]);
    const [errLine] = assertLogged(ctx.capture, {
      operation: 'OrdersService.create',
      outcome: 'err',
      level: 'warn',
      correlationId: 'test-cid-2',
    });
    expect(errLine).toMatchObject({
      service: 'orders',
      error: { code: 'CONFLICT' },
    });
    ctx.capture.clear();
    expect(ctx.capture.entries()).toEqual([]);
  });

  it('captures MonoResult and FluxResult log methods (the log sink is installed)', async () => {
    await ctx.withCorrelation(() =>
      MonoResult.ok(1).logStep('load').logError().run(),
    );
    await FluxResult.fromResults([ok(1), err('x')])
      .logResults('import')
      .toArray()
      .run();
    assertLogged(ctx.capture, {
      step: 'load',
      outcome: 'ok',
      correlationId: 'test-cid-1',
    });
    const [flux] = assertLogged(ctx.capture, { operation: 'import' }, 1);
    expect(flux).toMatchObject({ outcome: 'err', flux: { ok: 1, err: 1 } });
  });

  it('assertLogged fails listing the captured lines', () => {
    ctx.module.get(OrdersService).create(1);
    let e: unknown;
    try {
      assertLogged(ctx.capture, {
        operation: 'OrdersService.create',
        outcome: 'err',
      });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(RfsAssertionError);
    const m = (e as Error).message;
    expect(m).toContain(
      "Expected a Result log line(s) matching { operation: 'OrdersService.create', outcome: 'err' }, but 0 matched.",
    );
    expect(m).toContain(
      '1. level=30 operation=OrdersService.create outcome=ok',
    );
  });

  it('records metrics in a registry of its own', async () => {
    const orders = ctx.module.get(OrdersService);
    orders.create(1);
    orders.create(99);
    orders.create(99);
    await assertRecordedMetric(ctx.metrics, 'OrdersService.create', 'ok', 1);
    await assertRecordedMetric(ctx.metrics, 'OrdersService.create', 'err', 2);
    await expect(
      assertRecordedMetric(ctx.metrics, 'OrdersService.create', 'err', 5),
    ).rejects.toThrow(
      "Expected 5 'err' operation(s) recorded for OrdersService.create, but 2 were.",
    );
    // A second context at the same time: its own registry, its own counts.
    const other = await resultTestContext({
      providers: [OrdersService, StockService],
    });
    try {
      expect(other.metrics.registry).not.toBe(ctx.metrics.registry);
      expect(
        await recordedOutcomes(other.metrics, 'OrdersService.create'),
      ).toEqual({
        ok: 0,
        err: 0,
        defect: 0,
      });
    } finally {
      await other.close();
    }
  });

  it('the test clock drives metric windows', () => {
    const orders = ctx.module.get(OrdersService);
    orders.create(1);
    orders.create(2);
    expect(
      ctx.metrics.getOperationMetrics('OrdersService.create', '1m').total,
    ).toBe(2);
    ctx.clock.advance(2 * 60_000);
    expect(
      ctx.metrics.getOperationMetrics('OrdersService.create', '1m').total,
    ).toBe(0);
    expect(
      ctx.metrics.getOperationMetrics('OrdersService.create', '15m').total,
    ).toBe(2);
    expect(ctx.module.get(getRfsClockToken())).toBe(ctx.clock);
  });

  it('the test clock drives alert evaluation: pending, then firing after `for`', () => {
    const orders = ctx.module.get(OrdersService);
    for (let i = 0; i < 3; i++) ctx.withCorrelation(() => orders.create(99));
    ctx.clock.advance(15_000); // first evaluation: condition true, pending (for: 30s)
    expect(ctx.alerts.events()).toEqual([]);
    ctx.clock.advance(30_000); // two more evaluations: firing
    const fired = ctx.alerts.events({
      rule: 'orders_errors',
      status: 'firing',
    });
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      operation: 'OrdersService.create',
      severity: 'critical',
      value: 3,
    });
    expect(fired[0].sampleCorrelationIds).toEqual(
      expect.arrayContaining(['test-cid-1', 'test-cid-2', 'test-cid-3']),
    );
    ctx.clock.advance(2 * 60_000); // window empties: resolved
    expect(ctx.alerts.events({ status: 'resolved' })).toHaveLength(1);
  });

  it('the recording notifier receives every event once delivery is flushed', async () => {
    const orders = ctx.module.get(OrdersService);
    for (let i = 0; i < 3; i++) orders.create(99);
    ctx.clock.advance(45_000).advance(2 * 60_000);
    await ctx.alerts.flush();
    expect(ctx.alerts.delivered().map((e) => e.status)).toEqual([
      'firing',
      'resolved',
    ]);
    expect(ctx.alerts.notifier.batches()).toHaveLength(2);
  });

  it('mocks replace providers', async () => {
    const stock = new ResultServiceMocker(StockService).returnsErr(
      'reserve',
      RfsError.serviceUnavailable('down'),
    );
    const c = await resultTestContext({
      providers: [OrdersService, StockService],
      mocks: [stock],
    });
    try {
      const r = c.module.get(OrdersService).create(1);
      expect(r.isErr() && r.error.code).toBe('SERVICE_UNAVAILABLE');
      stock.assertCalledWith('reserve', 1);
    } finally {
      await c.close();
    }
  });

  it('rejects mocks it cannot place', async () => {
    await expect(resultTestContext({ mocks: [{ nope: 1 }] })).rejects.toThrow(
      'resultTestContext: each of `mocks` must be a ResultServiceMocker, a mock made by mockResultService(), or { provide, useValue }.',
    );
  });
});

describe('RfsTestingModule.forRoot with Test.createTestingModule', () => {
  it('exposes the doubles; two modules never share them', async () => {
    const build = () =>
      Test.createTestingModule({
        imports: [RfsTestingModule.forRoot({ clockStartMs: 1_000 })],
      }).compile();
    const [a, b] = await Promise.all([build(), build()]);
    try {
      expect(a.get(RfsTestClock).now()).toBe(1_000);
      expect(a.get(RfsTestClock)).not.toBe(b.get(RfsTestClock));
      expect(a.get(RfsLogCapture)).not.toBe(b.get(RfsLogCapture));
      expect(a.get(RecordingAlertNotifier)).toBeInstanceOf(
        RecordingAlertNotifier,
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('RfsTestClock', () => {
  it('moves only forward and runs scheduled work at each due time', () => {
    const clock = new RfsTestClock(0);
    const seen: number[] = [];
    const cancel = clock.every(10, (t) => seen.push(t));
    clock.advance(35);
    expect(seen).toEqual([10, 20, 30]);
    expect(clock.now()).toBe(35);
    cancel();
    clock.advance(100);
    expect(seen).toHaveLength(3);
    expect(() => clock.advance(-1)).toThrow(
      'RfsTestClock.advance: ms must be a finite number >= 0, got -1.',
    );
    expect(() => clock.setTime(0)).toThrow(
      'RfsTestClock.setTime: time only moves forward (now 135, asked 0).',
    );
  });
});
