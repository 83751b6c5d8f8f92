import { Counter, Gauge, type Registry, register } from 'prom-client';

/** The Prometheus series of the alert pipeline. */
export interface AlertPipelineMetrics {
  /** `rfs_alerts_firing{rule, severity}`: alerts currently firing per rule. */
  firing: Gauge<'rule' | 'severity'>;
  /** `rfs_alert_notifications_failed_total{notifier}`: failed delivery attempts. */
  failed: Counter<'notifier'>;
  /** `rfs_alert_notifications_dropped_total{notifier}`: events dropped by a full queue. */
  dropped: Counter<'notifier'>;
}

function getOrCreate<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/**
 * Gets or creates the alert series on `registry` (the metrics collector's registry, else
 * prom-client's default), so several apps or test modules in one process share them.
 */
export function alertPipelineMetrics(
  registry: Registry = register,
  prefix = 'rfs_',
): AlertPipelineMetrics {
  return {
    firing: getOrCreate(
      registry,
      `${prefix}alerts_firing`,
      () =>
        new Gauge({
          name: `${prefix}alerts_firing`,
          help: 'Alerts currently firing, per rule and severity (in-process evaluation).',
          labelNames: ['rule', 'severity'],
          registers: [registry],
        }),
    ),
    failed: getOrCreate(
      registry,
      `${prefix}alert_notifications_failed_total`,
      () =>
        new Counter({
          name: `${prefix}alert_notifications_failed_total`,
          help: 'Alert notification attempts that failed, per notifier.',
          labelNames: ['notifier'],
          registers: [registry],
        }),
    ),
    dropped: getOrCreate(
      registry,
      `${prefix}alert_notifications_dropped_total`,
      () =>
        new Counter({
          name: `${prefix}alert_notifications_dropped_total`,
          help: 'Alert events dropped because a notifier queue was full or undeliverable.',
          labelNames: ['notifier'],
          registers: [registry],
        }),
    ),
  };
}
