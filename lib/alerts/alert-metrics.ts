import type { Counter, Gauge, Registry } from 'prom-client';
import { loadPromClient } from '../metrics/prometheus-metrics';

type Labels<L extends string> = Partial<Record<L, string>>;

/** The Prometheus series of the alert pipeline (no-ops when prom-client is not installed). */
export interface AlertPipelineMetrics {
  /** `rfs_alerts_firing{rule, severity}`: alerts currently firing per rule. */
  firing: {
    set(labels: Labels<'rule' | 'severity'>, value: number): void;
    remove(labels: Labels<'rule' | 'severity'>): void;
  };
  /** `rfs_alert_notifications_failed_total{notifier}`: failed delivery attempts. */
  failed: { inc(labels: Labels<'notifier'>, value?: number): void };
  /** `rfs_alert_notifications_dropped_total{notifier}`: events dropped by a full queue. */
  dropped: { inc(labels: Labels<'notifier'>, value?: number): void };
}

const noop: AlertPipelineMetrics = {
  firing: { set: () => undefined, remove: () => undefined },
  failed: { inc: () => undefined },
  dropped: { inc: () => undefined },
};

/**
 * Gets or creates the alert series on `registry` (the metrics collector's registry, else
 * prom-client's default), so several apps or test modules in one process share them. Without
 * prom-client installed the series are no-ops: alerting works without Prometheus.
 */
export function alertPipelineMetrics(
  registry?: Registry,
  prefix = 'rfs_',
): AlertPipelineMetrics {
  let client: ReturnType<typeof loadPromClient>;
  try {
    client = loadPromClient();
  } catch {
    return noop;
  }
  const reg = registry ?? client.register;
  const get = <M>(name: string, type: abstract new (...a: never[]) => M) => {
    const m = reg.getSingleMetric(name);
    if (m instanceof type) return m;
    if (m) reg.removeSingleMetric(name);
    return undefined;
  };
  const firingName = `${prefix}alerts_firing`;
  const failedName = `${prefix}alert_notifications_failed_total`;
  const droppedName = `${prefix}alert_notifications_dropped_total`;
  const firing: Gauge<'rule' | 'severity'> =
    get<Gauge<'rule' | 'severity'>>(firingName, client.Gauge) ??
    new client.Gauge({
      name: firingName,
      help: 'Alerts currently firing, per rule and severity (in-process evaluation).',
      labelNames: ['rule', 'severity'],
      registers: [reg],
    });
  const counter = (name: string, help: string): Counter<'notifier'> =>
    get<Counter<'notifier'>>(name, client.Counter) ??
    new client.Counter({
      name,
      help,
      labelNames: ['notifier'],
      registers: [reg],
    });
  return {
    firing,
    failed: counter(
      failedName,
      'Alert notification attempts that failed, per notifier.',
    ),
    dropped: counter(
      droppedName,
      'Alert events dropped because a notifier queue was full or undeliverable.',
    ),
  };
}
