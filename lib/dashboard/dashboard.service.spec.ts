import { AlertCondition } from '../alerts/alert-rule';
import type { AlertEvent } from '../alerts/alert-event';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { resolveRfsOptions, type RfsModuleOptionsInput } from '../rfs.options';
import type { DashboardAlertsSource } from './dashboard-alerts-source';
import { DashboardService } from './dashboard.service';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

function service(input: RfsModuleOptionsInput, alerts?: DashboardAlertsSource) {
  let now = T0;
  const clock = { now: () => now };
  const options = resolveRfsOptions({ metrics: false, ...input });
  const metrics = new ResultMetricsCollector(options, clock);
  const s = new DashboardService(metrics, options, clock, alerts);
  return { s, metrics, advance: (ms: number) => (now += ms) };
}

const firing: AlertEvent = {
  id: 'high_error_rate:orders.get',
  rule: 'high_error_rate',
  operation: 'orders.get',
  severity: 'critical',
  status: 'firing',
  value: 0.4,
  threshold: 0.1,
  startsAt: new Date(T0).toISOString(),
  evaluatedAt: new Date(T0).toISOString(),
  service: 'shop',
  instance: 'vm:1',
  labels: {},
  annotations: {},
  sampleCorrelationIds: ['c1'],
};

describe('DashboardService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('snapshots every operation of the window, its history, alerts and process facts', () => {
    const rules = [
      {
        name: 'high_error_rate',
        operation: '*',
        metric: 'errorRate' as const,
        condition: AlertCondition.GREATER_THAN,
        threshold: 0.1,
        window: '5m' as const,
        severity: 'critical' as const,
      },
    ];
    const t = service(
      { serviceName: 'shop' },
      { getActiveAlerts: () => [firing], getRules: () => rules },
    );
    t.metrics.record('orders.get', 'ok', 10);
    t.metrics.record('orders.get', 'err', 30, { errorCode: 'NOT_FOUND' });
    t.advance(90_000);
    const snap = t.s.snapshot('1m');
    expect(snap.service).toBe('shop');
    expect(snap.generatedAt).toBe(new Date(T0 + 90_000).toISOString());
    expect(snap.window).toBe('1m');
    expect(snap.operations).toEqual([
      t.metrics.getOperationMetrics('orders.get', '1m'),
    ]);
    expect(snap.operations[0].total).toBe(0); // 90 s old: out of the 1m window
    expect(snap.history['orders.get'].map((p) => p.errorRate)).toContain(0.5);
    expect(snap.activeAlerts).toEqual([firing]);
    expect(snap.alertRules).toEqual(rules);
    expect(snap.system.rssBytes).toBeGreaterThan(0);
    expect(snap.system.heapUsedBytes).toBeGreaterThan(0);
    expect(snap.system.uptimeSec).toBeGreaterThanOrEqual(0);
  });

  it('lists no alerts without an alerts source', () => {
    const snap = service({}).s.snapshot('5m');
    expect(snap.activeAlerts).toEqual([]);
    expect(snap.alertRules).toEqual([]);
  });

  it.each([
    [{ environment: 'development' }, true],
    [{ environment: 'production' }, false],
    [{ environment: 'production', dashboard: { enabled: true } }, true],
    [{ environment: 'development', dashboard: { enabled: false } }, false],
    [{ environment: 'development', dashboard: false as const }, false],
  ])('with %j the dashboard is enabled: %s', (input, enabled) => {
    expect(service(input).s.enabled).toBe(enabled);
  });

  it('measures event-loop delay only while enabled and stops on destroy', () => {
    const on = service({ environment: 'development' }).s;
    on.onModuleInit();
    expect(on.snapshot('5m').system.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(
      0,
    );
    on.onModuleDestroy();
    const off = service({ environment: 'production' }).s;
    off.onModuleInit();
    expect(off.snapshot('5m').system.eventLoopDelayP99Ms).toBe(0);
  });
});
