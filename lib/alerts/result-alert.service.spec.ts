import { Registry } from 'prom-client';
import {
  AlertCondition,
  type AlertNotifier,
  type AlertRule,
  AlertRuleError,
  ResultAlertService,
} from 'nestjs-rfs';
import { RecordingAlertNotifier } from '../testing/recording-alert.notifier';
import { FakeAlertMetricsSource } from '../../test/alerts.fake-source';
import { RfsTestClock } from '../testing/rfs-test.clock';

const silent = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

const errorRule: AlertRule = {
  name: 'orders_errors',
  operation: 'orders.*',
  metric: 'errorRate',
  condition: AlertCondition.GREATER_THAN,
  threshold: 0.1,
  window: '5m',
  for: '1m',
  minSamples: 10,
  cooldown: '10m',
  severity: 'critical',
  labels: { team: 'orders' },
  annotations: {
    summary: '{{operation}} error rate {{value}} > {{threshold}}',
  },
};

function setup(rules: AlertRule[] = [errorRule], extra = {}) {
  const clock = new RfsTestClock();
  const source = new FakeAlertMetricsSource(clock);
  const notifier = new RecordingAlertNotifier();
  const registry = new Registry();
  const service = new ResultAlertService({
    options: {
      defaultRules: false,
      rules,
      notifiers: [notifier],
      instance: 'i-1',
      ...extra,
    },
    serviceName: 'shop',
    source,
    clock,
    registry,
    logger: silent,
  });
  return { clock, source, notifier, registry, service };
}

async function gaugeValue(registry: Registry, rule: string) {
  const m = await registry.getSingleMetric('rfs_alerts_firing')!.get();
  return m.values.find((v) => v.labels.rule === rule)?.value;
}

describe('ResultAlertService state machine', () => {
  it('goes pending, fires after `for`, re-notifies after cooldown and resolves', async () => {
    const { clock, source, service, notifier, registry } = setup();
    source.many(16, 'orders.create', 'ok');
    source.many(4, 'orders.create', 'err', { correlationId: 'c-1' });
    source.many(20, 'users.get', 'err'); // not matched by 'orders.*'

    expect(service.evaluate()).toEqual([]); // pending
    expect(service.getPendingAlerts()).toEqual([
      expect.objectContaining({
        rule: 'orders_errors',
        operation: 'orders.create',
      }),
    ]);
    clock.advance(30_000);
    expect(service.evaluate()).toEqual([]); // for not elapsed
    clock.advance(30_000);
    const [firing] = service.evaluate();
    expect(firing).toMatchObject({
      id: 'orders_errors:orders.create',
      status: 'firing',
      rule: 'orders_errors',
      operation: 'orders.create',
      severity: 'critical',
      value: 0.2,
      threshold: 0.1,
      startsAt: new Date(clock.now()).toISOString(),
      labels: {
        alertname: 'orders_errors',
        operation: 'orders.create',
        severity: 'critical',
        team: 'orders',
      },
      annotations: { summary: 'orders.create error rate 0.2 > 0.1' },
      sampleCorrelationIds: ['c-1', 'c-1', 'c-1', 'c-1'],
      service: 'shop',
      instance: 'i-1',
    });
    expect(firing.endsAt).toBeUndefined();
    expect(service.getActiveAlerts()).toHaveLength(1);
    expect(await gaugeValue(registry, 'orders_errors')).toBe(1);

    // Still firing: quiet until the cooldown (10m) passes. Keep the window failing.
    for (let i = 0; i < 9; i++) {
      clock.advance(60_000);
      source.many(8, 'orders.create', 'ok');
      source.many(2, 'orders.create', 'err');
      expect(service.evaluate()).toEqual([]);
    }
    clock.advance(60_000);
    source.many(8, 'orders.create', 'ok');
    source.many(2, 'orders.create', 'err');
    const [again] = service.evaluate();
    expect(again).toMatchObject({
      status: 'firing',
      startsAt: firing.startsAt,
    });

    // Failures stop: the window fills with successes → resolved with endsAt.
    clock.advance(60_000);
    source.many(200, 'orders.create', 'ok');
    const [resolved] = service.evaluate();
    expect(resolved).toMatchObject({
      status: 'resolved',
      startsAt: firing.startsAt,
      endsAt: new Date(clock.now()).toISOString(),
    });
    expect(service.getActiveAlerts()).toEqual([]);
    expect(await gaugeValue(registry, 'orders_errors')).toBe(0);

    await service.shutdown();
    expect(
      notifier
        .batches()
        .flat()
        .map((e) => e.status),
    ).toEqual(['firing', 'firing', 'resolved']);
  });

  it('does not fire below minSamples and drops a pending alert when the condition clears', () => {
    const { clock, source, service } = setup();
    source.many(9, 'orders.create', 'err');
    clock.advance(120_000);
    expect(service.evaluate()).toEqual([]);
    expect(service.getPendingAlerts()).toEqual([]);
    source.many(1, 'orders.create', 'err');
    service.evaluate();
    expect(service.getPendingAlerts()).toHaveLength(1);
    source.many(100, 'orders.create', 'ok');
    clock.advance(60_000);
    expect(service.evaluate()).toEqual([]);
    expect(service.getPendingAlerts()).toEqual([]);
  });

  it('fires at once without `for`, per matching operation', () => {
    const { source, service } = setup([
      { ...errorRule, for: undefined, operation: '*' },
    ]);
    source.many(10, 'a', 'err');
    source.many(10, 'b', 'ok');
    source.many(10, 'c.d', 'defect');
    const events = service.evaluate();
    expect(events.map((e) => e.operation).sort()).toEqual(['a', 'c.d']);
  });

  it('counts only the rule errorCode when given', () => {
    const { source, service } = setup([
      {
        ...errorRule,
        for: '0s',
        metric: 'errorCount',
        errorCode: 'CONFLICT',
        condition: AlertCondition.GREATER_OR_EQUAL,
        threshold: 3,
      },
    ]);
    source.many(10, 'orders.create', 'err', { errorCode: 'NOT_FOUND' });
    source.many(2, 'orders.create', 'err', { errorCode: 'CONFLICT' });
    expect(service.evaluate()).toEqual([]);
    source.many(1, 'orders.create', 'err', { errorCode: 'CONFLICT' });
    expect(service.evaluate()).toEqual([
      expect.objectContaining({ value: 3, status: 'firing' }),
    ]);
  });

  it.each([
    ['p95Ms', AlertCondition.GREATER_THAN, 1000, 1500],
    ['meanMs', AlertCondition.GREATER_OR_EQUAL, 1500, 1500],
    ['count', AlertCondition.EQUAL, 10, 10],
    ['throughputPerSec', AlertCondition.LESS_THAN, 1, 10 / 60],
  ] as const)('evaluates %s', (metric, condition, threshold, expected) => {
    const { source, service } = setup([
      { ...errorRule, for: '0s', window: '1m', metric, condition, threshold },
    ]);
    for (let i = 0; i < 10; i++)
      source.record({ operation: 'orders.x', outcome: 'ok', durationMs: 1500 });
    const [e] = service.evaluate();
    expect(e.value).toBeCloseTo(expected);
  });

  it('evaluates fluxSuccessRate with LESS_THAN', () => {
    const { source, service } = setup([
      {
        ...errorRule,
        for: undefined,
        metric: 'fluxSuccessRate',
        condition: AlertCondition.LESS_THAN,
        threshold: 0.8,
      },
    ]);
    source.many(10, 'orders.import', 'ok', { flux: { ok: 7, err: 3 } });
    expect(service.evaluate()).toEqual([
      expect.objectContaining({ value: 0.7 }),
    ]);
  });

  it('disableRule and removeRule resolve firing alerts; enableRule evaluates again', () => {
    const { source, service } = setup([{ ...errorRule, for: undefined }]);
    source.many(10, 'orders.create', 'err');
    expect(service.evaluate()).toHaveLength(1);
    const seen: string[] = [];
    service.onAlert((e) => seen.push(e.status));
    expect(service.disableRule('orders_errors')).toBe(true);
    expect(seen).toEqual(['resolved']);
    expect(service.evaluate()).toEqual([]);
    expect(service.getRules()[0].enabled).toBe(false);
    service.enableRule('orders_errors');
    expect(service.evaluate()).toHaveLength(1);
    expect(service.removeRule('orders_errors')).toBe(true);
    expect(seen).toEqual(['resolved', 'firing', 'resolved']);
    expect(service.getRules()).toEqual([]);
    expect(service.removeRule('orders_errors')).toBe(false);
    expect(service.enableRule('nope')).toBe(false);
  });

  it('resolves an alert whose operation disappears', () => {
    const { source, service, clock } = setup([
      { ...errorRule, for: undefined },
    ]);
    source.many(10, 'orders.create', 'err');
    service.evaluate();
    source.calls.length = 0;
    (source as unknown as { ops: Set<string> }).ops.clear();
    clock.advance(1000);
    expect(service.evaluate()).toEqual([
      expect.objectContaining({
        status: 'resolved',
        operation: 'orders.create',
      }),
    ]);
  });

  it('addRule validates, rejects duplicates, and applies defaults', () => {
    const { service } = setup([]);
    const r = service.addRule({
      ...errorRule,
      minSamples: undefined,
      cooldown: undefined,
    });
    expect(r).toMatchObject({ minSamples: 10, cooldown: '15m', enabled: true });
    expect(() => service.addRule(errorRule)).toThrow(AlertRuleError);
    expect(() =>
      service.addRule({ ...errorRule, name: 'x', window: '2m' as never }),
    ).toThrow(
      /Invalid alert rule 'x'.*window must be one of '1m', '5m', '15m', '1h', got "2m"/,
    );
  });

  it('keeps a bounded history, newest first, and isolates throwing listeners', () => {
    const { source, service, clock } = setup(
      [{ ...errorRule, for: undefined }],
      {
        historyLimit: 3,
      },
    );
    service.onAlert(() => {
      throw new Error('listener bug');
    });
    for (let i = 0; i < 3; i++) {
      source.many(10, 'orders.create', 'err');
      service.evaluate();
      clock.advance(600_000); // window empties → resolved
      service.evaluate();
    }
    const h = service.getHistory();
    expect(h).toHaveLength(3);
    expect(h.map((e) => e.status)).toEqual(['resolved', 'firing', 'resolved']);
    expect(service.getHistory(1)).toHaveLength(1);
    expect(h[0].evaluatedAt >= h[1].evaluatedAt).toBe(true);
  });

  it('adds the three default rules when defaultRules is on', () => {
    const service = new ResultAlertService({
      registry: new Registry(),
      logger: silent,
    });
    expect(service.getRules()).toEqual([
      expect.objectContaining({
        name: 'rfs_high_error_rate',
        metric: 'errorRate',
        threshold: 0.05,
        window: '5m',
        for: '1m',
        minSamples: 20,
        severity: 'critical',
      }),
      expect.objectContaining({
        name: 'rfs_slow_operations',
        metric: 'p95Ms',
        threshold: 1000,
        severity: 'warning',
      }),
      expect.objectContaining({
        name: 'rfs_low_batch_success_rate',
        metric: 'fluxSuccessRate',
        condition: AlertCondition.LESS_THAN,
        threshold: 0.8,
        window: '15m',
        severity: 'warning',
      }),
    ]);
  });

  it('never throws when the source fails', () => {
    const { service, source } = setup();
    jest.spyOn(source, 'getOperationMetrics').mockImplementation(() => {
      throw new Error('boom');
    });
    source.many(1, 'orders.create', 'err');
    expect(service.evaluate()).toEqual([]);
    expect(silent.error).toHaveBeenCalledWith(expect.stringContaining('boom'));
  });
});

describe('ResultAlertService timer', () => {
  afterEach(() => jest.useRealTimers());

  it("evaluates every evaluationInterval on an unref'd timer until shutdown", async () => {
    jest.useFakeTimers();
    const { service, source } = setup([], { evaluationInterval: '10s' });
    const spy = jest.spyOn(source, 'getOperations');
    service.onApplicationBootstrap();
    jest.advanceTimersByTime(35_000);
    expect(spy).toHaveBeenCalledTimes(3);
    service.beforeApplicationShutdown();
    await service.onApplicationShutdown();
    jest.advanceTimersByTime(60_000);
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('spreads a large timer evaluation over event-loop turns, with the same result', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    const { service, source } = setup(
      [{ ...errorRule, for: undefined, operation: '*' }],
      { evaluationInterval: '10s' },
    );
    for (let i = 0; i < 250; i++) source.many(10, `op.${i}`, 'err');
    const seen: string[] = [];
    service.onAlert((e) => seen.push(e.operation));
    const metrics = jest.spyOn(source, 'getOperationMetrics');
    service.start();
    jest.advanceTimersByTime(10_000); // the interval fires; only the first slice runs
    expect(metrics).toHaveBeenCalledTimes(100);
    expect(seen).toEqual([]); // events are published when the evaluation completes
    await new Promise((r) => setImmediate(r)); // the next slice ran in between
    expect(metrics).toHaveBeenCalledTimes(200);
    service.stop(); // finishes the evaluation in progress: no event is lost
    expect(metrics).toHaveBeenCalledTimes(250);
    expect(seen).toHaveLength(250);
    expect(service.getActiveAlerts()).toHaveLength(250);
  });

  it('shutdown delivers pending notifications within shutdownFlushMs, then counts the rest as dropped', async () => {
    jest.useFakeTimers();
    let fail = 2;
    const delivered: string[] = [];
    const flaky: AlertNotifier = {
      name: 'flaky',
      notify: async (events) => {
        if (fail-- > 0) throw new Error('down');
        delivered.push(...events.map((e) => e.status));
      },
    };
    const hanging: AlertNotifier = {
      name: 'hanging',
      notify: () => new Promise<void>(() => undefined),
    };
    const { source, service, registry } = setup(
      [{ ...errorRule, for: undefined }],
      {
        notifiers: [flaky, hanging],
        shutdownFlushMs: 1000,
        retryBaseMs: 60_000, // without the flush, the next retry would be a minute away
      },
    );
    source.many(10, 'orders.create', 'err');
    service.evaluate();
    await jest.advanceTimersByTimeAsync(0); // first attempt fails
    const done = service.shutdown();
    await jest.advanceTimersByTimeAsync(1000);
    await done;
    expect(delivered).toEqual(['firing']);
    const m = async (name: string) =>
      (await registry.getSingleMetric(name)!.get()).values;
    expect(await m('rfs_alert_notifications_failed_total')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { notifier: 'flaky' }, value: 2 }),
      ]),
    );
    expect(await m('rfs_alert_notifications_dropped_total')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { notifier: 'hanging' }, value: 1 }),
      ]),
    );
  });

  it('does nothing when disabled (alerts: false)', () => {
    jest.useFakeTimers();
    const service = new ResultAlertService({
      disabled: true,
      options: { defaultRules: false },
      registry: new Registry(),
    });
    const spy = jest.spyOn(service, 'evaluate');
    service.onApplicationBootstrap();
    jest.advanceTimersByTime(60_000);
    expect(spy).not.toHaveBeenCalled();
  });
});
