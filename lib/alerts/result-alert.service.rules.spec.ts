// Rule management (add, enable, disable, remove, defaults) and the alert history.
import { Registry } from 'prom-client';
import { AlertCondition, AlertRuleError, ResultAlertService } from 'nestjs-rfs';
import {
  errorRule,
  setupAlertService,
  silent,
} from '../../test/support/alert-service.fixtures';

describe('ResultAlertService rules and history', () => {
  it('disableRule and removeRule resolve firing alerts; enableRule evaluates again', () => {
    const { source, service } = setupAlertService([
      { ...errorRule, for: undefined },
    ]);
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

  it('addRule validates, rejects duplicates, and applies defaults', () => {
    const { service } = setupAlertService([]);
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
    const { source, service, clock } = setupAlertService(
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
});
