import { Registry } from 'prom-client';
import { AlertCondition, type AlertRule, ResultAlertService } from 'nestjs-rfs';
import { RecordingAlertNotifier } from '../../lib/testing/recording-alert.notifier';
import { RfsTestClock } from '../../lib/testing/rfs-test.clock';
import { FakeAlertMetricsSource } from '../alerts.fake-source';

/** A logger that keeps the alert specs quiet and lets them assert what was logged. */
export const silent = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

/** The rule most ResultAlertService specs start from (variants spread over it). */
export const errorRule: AlertRule = {
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

/** A ResultAlertService on a test clock, a fake metrics source, a recording notifier and a fresh registry. */
export function setupAlertService(
  rules: AlertRule[] = [errorRule],
  extra = {},
) {
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

/** The `rfs_alerts_firing` gauge of `rule`. */
export async function gaugeValue(registry: Registry, rule: string) {
  const m = await registry.getSingleMetric('rfs_alerts_firing')!.get();
  return m.values.find((v) => v.labels.rule === rule)?.value;
}
