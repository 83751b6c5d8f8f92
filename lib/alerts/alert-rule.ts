/** Comparison of an alert rule's metric against its threshold. */
export enum AlertCondition {
  GREATER_THAN = 'GREATER_THAN',
  GREATER_OR_EQUAL = 'GREATER_OR_EQUAL',
  LESS_THAN = 'LESS_THAN',
  LESS_OR_EQUAL = 'LESS_OR_EQUAL',
  EQUAL = 'EQUAL',
  NOT_EQUAL = 'NOT_EQUAL',
}

/** Metric an alert rule watches (computed over the rule's window). */
export type AlertMetric =
  | 'errorRate'
  | 'errorCount'
  | 'count'
  | 'throughputPerSec'
  | 'meanMs'
  | 'p50Ms'
  | 'p90Ms'
  | 'p95Ms'
  | 'p99Ms'
  | 'fluxSuccessRate';

/** Sliding windows kept per operation. */
export type MetricWindow = '1m' | '5m' | '15m' | '1h';

/** Alert severity. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** An alert rule, evaluated per matching operation. */
export interface AlertRule {
  /** Unique name (also the Prometheus `alertname`). */
  name: string;
  /** `'*'`, an exact operation name, or a glob such as `'orders.*'`. */
  operation: string;
  /** Metric compared. */
  metric: AlertMetric;
  /** Comparison. */
  condition: AlertCondition;
  /** Threshold the metric is compared with. */
  threshold: number;
  /** Window the metric is computed over. */
  window: MetricWindow;
  /** How long the condition must hold before firing (duration such as `'1m'`). */
  for?: string;
  /** Minimum operations in the window before the rule can be true (default 10). */
  minSamples?: number;
  /** Minimum time between two notifications of a still-firing alert (default `'15m'`). */
  cooldown?: string;
  /** Severity label. */
  severity: AlertSeverity;
  /** Count only errors with this code (for `errorRate` / `errorCount`). */
  errorCode?: string;
  /** Extra labels on events and exported rules. */
  labels?: Record<string, string>;
  /** Templates with `{{operation}}`, `{{value}}`, `{{threshold}}`. */
  annotations?: { summary?: string; description?: string };
  /** Disabled rules are kept but not evaluated. */
  enabled?: boolean;
}
