import { AlertCondition, type AlertRule } from './alert-rule';

/**
 * The rules added when `alerts.defaultRules` is true: a high error rate (critical), slow
 * operations by p95 and FluxResult batches with a low item success rate (warning).
 */
export function defaultAlertRules(): AlertRule[] {
  return [
    {
      name: 'rfs_high_error_rate',
      operation: '*',
      metric: 'errorRate',
      condition: AlertCondition.GREATER_THAN,
      threshold: 0.05,
      window: '5m',
      for: '1m',
      minSamples: 20,
      severity: 'critical',
      annotations: {
        summary: 'High error rate on {{operation}}',
        description:
          '{{operation}} failed {{value}} of its calls over 5m (threshold {{threshold}}).',
      },
    },
    {
      name: 'rfs_slow_operations',
      operation: '*',
      metric: 'p95Ms',
      condition: AlertCondition.GREATER_THAN,
      threshold: 1000,
      window: '5m',
      severity: 'warning',
      annotations: {
        summary: 'Slow operation {{operation}}',
        description:
          'p95 latency of {{operation}} is {{value}} ms over 5m (threshold {{threshold}} ms).',
      },
    },
    {
      name: 'rfs_low_batch_success_rate',
      operation: '*',
      metric: 'fluxSuccessRate',
      condition: AlertCondition.LESS_THAN,
      threshold: 0.8,
      window: '15m',
      severity: 'warning',
      annotations: {
        summary: 'Low batch item success rate on {{operation}}',
        description:
          'Only {{value}} of the items streamed by {{operation}} succeeded over 15m (threshold {{threshold}}).',
      },
    },
  ];
}
