// Rule evaluation: pending → firing → re-notified → resolved, metrics and thresholds.
// Rule management and history: result-alert.service.rules.spec.ts;
// the timer: result-alert.service.timer.spec.ts.
import { AlertCondition } from 'nestjs-rfs';
import {
  errorRule,
  gaugeValue,
  setupAlertService,
  silent,
} from '../../test/support/alert-service.fixtures';

describe('ResultAlertService state machine', () => {
  it('goes pending, fires after `for`, re-notifies after cooldown and resolves', async () => {
    const { clock, source, service, notifier, registry } = setupAlertService();
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
    const { clock, source, service } = setupAlertService();
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
    const { source, service } = setupAlertService([
      { ...errorRule, for: undefined, operation: '*' },
    ]);
    source.many(10, 'a', 'err');
    source.many(10, 'b', 'ok');
    source.many(10, 'c.d', 'defect');
    const events = service.evaluate();
    expect(events.map((e) => e.operation).sort()).toEqual(['a', 'c.d']);
  });

  it('counts only the rule errorCode when given', () => {
    const { source, service } = setupAlertService([
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
    const { source, service } = setupAlertService([
      { ...errorRule, for: '0s', window: '1m', metric, condition, threshold },
    ]);
    for (let i = 0; i < 10; i++)
      source.record({ operation: 'orders.x', outcome: 'ok', durationMs: 1500 });
    const [e] = service.evaluate();
    expect(e.value).toBeCloseTo(expected);
  });

  it('evaluates fluxSuccessRate with LESS_THAN', () => {
    const { source, service } = setupAlertService([
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

  it('resolves an alert whose operation disappears', () => {
    const { source, service, clock } = setupAlertService([
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

  it('never throws when the source fails', () => {
    const { service, source } = setupAlertService();
    jest.spyOn(source, 'getOperationMetrics').mockImplementation(() => {
      throw new Error('boom');
    });
    source.many(1, 'orders.create', 'err');
    expect(service.evaluate()).toEqual([]);
    expect(silent.error).toHaveBeenCalledWith(expect.stringContaining('boom'));
  });
});
