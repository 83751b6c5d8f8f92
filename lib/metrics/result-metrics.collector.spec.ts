// Recording and the sliding windows: counts, rates, percentiles, correlation ids, history.
// Prometheus export and cardinality limits: result-metrics.collector.prometheus.spec.ts.
import { RfsError } from '../result/rfs.error';
import { resolveRfsOptions } from '../rfs.options';
import { CorrelationContext } from '../correlation/correlation-context';
import { ResultMetricsCollector } from './result-metrics.collector';
import {
  T0,
  setupCollector,
} from '../../test/support/metrics-collector.fixtures';

describe('ResultMetricsCollector', () => {
  it('makes a recorded value visible at once in the windows and in Prometheus', async () => {
    const t = setupCollector();
    t.collector.record('orders.create', 'ok', 120);
    t.collector.record('orders.create', 'err', 30, { errorCode: 'CONFLICT' });
    t.collector.record('orders.create', 'defect', 5);

    const m = t.collector.getOperationMetrics('orders.create');
    expect(m).toMatchObject({
      operation: 'orders.create',
      window: '5m',
      total: 3,
      ok: 1,
      err: 1,
      defect: 1,
      errorBreakdown: { CONFLICT: 1, defect: 1 },
    });
    expect(m.successRate).toBeCloseTo(1 / 3);
    expect(m.errorRate).toBeCloseTo(2 / 3);
    expect(m.meanMs).toBeCloseTo(155 / 3);
    expect(m.maxMs).toBe(120);
    expect(m.throughputPerSec).toBeCloseTo(3 / 300);

    const text = await t.text();
    expect(text).toContain(
      'rfs_operations_total{operation="orders.create",outcome="ok",error_code=""} 1',
    );
    expect(text).toContain(
      'rfs_operations_total{operation="orders.create",outcome="err",error_code="CONFLICT"} 1',
    );
    expect(text).toContain(
      'rfs_operations_total{operation="orders.create",outcome="defect",error_code=""} 1',
    );
    expect(text).toContain(
      'rfs_operation_duration_seconds_bucket{le="0.25",operation="orders.create",outcome="ok"} 1',
    );
    expect(text).toContain(
      'rfs_operation_duration_seconds_sum{operation="orders.create",outcome="ok"} 0.12',
    );
    expect(text).not.toMatch(/^process_|^nodejs_/m);
  });

  it('exports every {operation, outcome} series at 0 when an operation is declared', async () => {
    const t = setupCollector();
    t.hub.announce('payments.capture');
    for (const outcome of ['ok', 'err', 'defect']) {
      expect(
        await t.value('rfs_operations_total', {
          operation: 'payments.capture',
          outcome,
        }),
      ).toBe(0);
      expect(
        await t.value('rfs_operation_duration_seconds', {
          operation: 'payments.capture',
          outcome,
        }),
      ).toBe(0);
    }
    expect(t.collector.getOperations()).toContain('payments.capture');
    expect(t.collector.getOperationMetrics('payments.capture')).toMatchObject({
      total: 0,
      successRate: 1,
      errorRate: 0,
      p95Ms: 0,
    });
  });

  it('takes error codes from OperationEvents and records flux items and correlation ids', async () => {
    const t = setupCollector();
    t.hub.emit({
      operation: 'stock.reserve',
      outcome: 'err',
      durationMs: 8,
      source: 'method',
      error: RfsError.notFound('item', 3),
      correlationId: 'req-1',
      flux: { ok: 8, err: 2 },
    });
    const m = t.collector.getOperationMetrics('stock.reserve', '1m');
    expect(m.errorBreakdown).toEqual({ NOT_FOUND: 1 });
    expect(m.fluxItems).toEqual({ ok: 8, err: 2 });
    expect(m.fluxSuccessRate).toBeCloseTo(0.8);
    expect(
      t.collector.getSampleCorrelationIds('stock.reserve', '1m', 5),
    ).toEqual(['req-1']);
    expect(
      await t.value('rfs_flux_items_total', {
        operation: 'stock.reserve',
        outcome: 'err',
      }),
    ).toBe(2);
  });

  it('slides every window with the injected clock', () => {
    const t = setupCollector();
    t.collector.record('op', 'err', 10, { errorCode: 'X' });
    t.advance(54_000); // still inside 1m whatever the slot boundaries
    expect(t.collector.getOperationMetrics('op', '1m').total).toBe(1);
    t.advance(6_000); // 60 s old: never counted once older than the window
    expect(t.collector.getOperationMetrics('op', '1m').total).toBe(0);
    expect(t.collector.getOperationMetrics('op', '5m').total).toBe(1);
    t.advance(240_000); // 300 s
    expect(t.collector.getOperationMetrics('op', '5m').total).toBe(0);
    expect(t.collector.getOperationMetrics('op', '15m').err).toBe(1);
    t.advance(600_000); // 900 s
    expect(t.collector.getOperationMetrics('op', '15m').total).toBe(0);
    expect(t.collector.getOperationMetrics('op', '1h').errorBreakdown).toEqual({
      X: 1,
    });
    t.advance(2_700_000); // 3600 s
    expect(t.collector.getOperationMetrics('op', '1h').total).toBe(0);
  });

  it.each([
    ['1m', 60_000, 5_000],
    ['5m', 300_000, 30_000],
    ['15m', 900_000, 60_000],
    ['1h', 3_600_000, 300_000],
  ] as const)(
    'counts a value in %s while younger than length − slot width, never when older than length',
    (window, lengthMs, widthMs) => {
      // Values recorded every 1 s over 2 windows; at the end, compare with exact ages.
      const t = setupCollector();
      const start = T0 + 1234;
      t.advance(1234);
      const steps = (2 * lengthMs) / 1000;
      const times: number[] = [];
      for (let i = 0; i < steps; i += Math.max(1, Math.floor(steps / 400))) {
        t.collector.record('op', 'ok', 1);
        times.push(start + i * 1000);
        t.advance(Math.max(1, Math.floor(steps / 400)) * 1000);
      }
      const now =
        start + times.length * Math.max(1, Math.floor(steps / 400)) * 1000;
      const counted = t.collector.getOperationMetrics('op', window).total;
      const surelyIn = times.filter((x) => now - x < lengthMs - widthMs).length;
      const possiblyIn = times.filter((x) => now - x < lengthMs).length;
      expect(counted).toBeGreaterThanOrEqual(surelyIn);
      expect(counted).toBeLessThanOrEqual(possiblyIn);
    },
  );

  it('keeps the last failing correlation ids, newest first, bounded and windowed', () => {
    const t = setupCollector();
    for (let i = 0; i < 30; i++) {
      t.collector.record('op', 'err', 1, { correlationId: `c${i}` });
      t.collector.record('op', 'ok', 1, { correlationId: `ok${i}` });
      t.advance(1000);
    }
    expect(t.collector.getSampleCorrelationIds('op', '5m', 3)).toEqual([
      'c29',
      'c28',
      'c27',
    ]);
    expect(t.collector.getSampleCorrelationIds('op', '5m', 100)).toHaveLength(
      20,
    );
    t.advance(60_000);
    expect(t.collector.getSampleCorrelationIds('op', '1m', 3)).toEqual([]);
    // Defaults to the current correlation id when none is given.
    CorrelationContext.run('from-context', () =>
      t.collector.record('op', 'defect', 1),
    );
    expect(t.collector.getSampleCorrelationIds('op', '1m', 3)).toEqual([
      'from-context',
    ]);
  });

  it('gives topErrors in descending order', () => {
    const t = setupCollector();
    const codes = ['A', 'B', 'B', 'C', 'C', 'C'];
    for (const c of codes) t.collector.record('op', 'err', 1, { errorCode: c });
    t.collector.record('op', 'err', 1);
    expect(t.collector.getOperationMetrics('op').topErrors).toEqual([
      { code: 'C', count: 3 },
      { code: 'B', count: 2 },
      { code: 'A', count: 1 },
      { code: 'UNKNOWN', count: 1 },
    ]);
  });

  it('keeps windows without prom-client when metrics is false', () => {
    let now = T0;
    const c = new ResultMetricsCollector(
      resolveRfsOptions({ metrics: false }),
      { now: () => now },
    );
    c.record('op', 'ok', 3);
    now += 1;
    expect(c.registry).toBeUndefined();
    expect(c.getOperationMetrics('op', '1m').total).toBe(1);
  });

  it('never throws into business code, and rejects unknown windows with a clear message', () => {
    const t = setupCollector();
    expect(() =>
      t.collector.record('op', 'ok', Number.NaN, undefined),
    ).not.toThrow();
    expect(() => t.collector.record('op', 'ok', -5)).not.toThrow();
    expect(t.collector.getOperationMetrics('op').maxMs).toBe(0);
    expect(() =>
      t.collector.recordFlux('op', { ok: Number.NaN, err: -1 }),
    ).not.toThrow();
    expect(() => t.collector.getOperationMetrics('op', '2m' as never)).toThrow(
      "window must be one of '1m', '5m', '15m', '1h', got \"2m\"",
    );
  });

  it('reset() forgets values but keeps the zero series of known operations', async () => {
    const t = setupCollector();
    t.collector.record('op', 'err', 1, { errorCode: 'X' });
    t.collector.reset();
    expect(t.collector.getOperationMetrics('op').total).toBe(0);
    expect(
      await t.value('rfs_operations_total', {
        operation: 'op',
        outcome: 'err',
        error_code: '',
      }),
    ).toBe(0);
    expect(await t.text()).not.toContain('error_code="X"');
  });

  it('gives 15 per-minute history points for the dashboard', () => {
    const t = setupCollector();
    t.collector.record('op', 'ok', 10);
    t.collector.record('op', 'err', 30);
    t.advance(60_000);
    t.collector.record('op', 'ok', 10);
    const h = t.collector.getHistory('op');
    expect(h).toHaveLength(15);
    expect(h[13]).toMatchObject({ throughputPerSec: 2 / 60, errorRate: 0.5 });
    expect(h[14]).toMatchObject({ throughputPerSec: 1 / 60, errorRate: 0 });
    expect(h[14].t - h[13].t).toBe(60_000);
    expect(h[0]).toEqual({
      t: h[0].t,
      throughputPerSec: 0,
      errorRate: 0,
      p95Ms: 0,
    });
  });
});
