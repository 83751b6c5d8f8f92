/** Comparison of an alert rule's metric against its threshold. */
export enum AlertCondition {
  GREATER_THAN = 'GREATER_THAN',
  GREATER_OR_EQUAL = 'GREATER_OR_EQUAL',
  LESS_THAN = 'LESS_THAN',
  LESS_OR_EQUAL = 'LESS_OR_EQUAL',
  EQUAL = 'EQUAL',
  NOT_EQUAL = 'NOT_EQUAL',
}

/** Every metric an alert rule can watch. */
export const ALERT_METRICS = [
  'errorRate',
  'errorCount',
  'count',
  'throughputPerSec',
  'meanMs',
  'p50Ms',
  'p90Ms',
  'p95Ms',
  'p99Ms',
  'fluxSuccessRate',
] as const;

/** Metric an alert rule watches (computed over the rule's window). */
export type AlertMetric = (typeof ALERT_METRICS)[number];

/** Sliding windows kept per operation. */
export const METRIC_WINDOWS = ['1m', '5m', '15m', '1h'] as const;

/** Sliding windows kept per operation. */
export type MetricWindow = (typeof METRIC_WINDOWS)[number];

/** Every alert severity. */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;

/** Alert severity. */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Templates of an alert's annotations. */
export interface AlertAnnotations {
  /** One line, e.g. `'Error rate of {{operation}} is {{value}}'`. */
  summary?: string;
  /** Longer text. */
  description?: string;
}

/**
 * An alert rule, evaluated per matching operation. The same rule is evaluated in-process by
 * `ResultAlertService` and can be exported to Prometheus with `toPrometheusRules`.
 *
 * @example
 * const rule: AlertRule = {
 *   name: 'orders_errors',
 *   operation: 'orders.*',
 *   metric: 'errorRate',
 *   condition: AlertCondition.GREATER_THAN,
 *   threshold: 0.1,
 *   window: '5m',
 *   for: '1m',
 *   severity: 'critical',
 *   annotations: { summary: '{{operation}} fails {{value}} of calls' },
 * };
 */
export interface AlertRule {
  /** Unique name (also the Prometheus `alertname`): `[a-zA-Z_][a-zA-Z0-9_]*`. */
  name: string;
  /** `'*'`, an exact operation name, or a glob such as `'orders.*'`. */
  operation: string;
  /** Metric compared. */
  metric: AlertMetric;
  /** Comparison. */
  condition: AlertCondition;
  /** Threshold the metric is compared with (same unit as the metric: ratio, count, ms, 1/s). */
  threshold: number;
  /** Window the metric is computed over. */
  window: MetricWindow;
  /** How long the condition must hold before firing (duration such as `'1m'`; default fire at once). */
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
  annotations?: AlertAnnotations;
  /** Disabled rules are kept but not evaluated (default true). */
  enabled?: boolean;
}

/** A validated rule with every default applied (what `ResultAlertService.getRules()` returns). */
export interface ResolvedAlertRule extends AlertRule {
  for: string;
  minSamples: number;
  cooldown: string;
  labels: Record<string, string>;
  annotations: AlertAnnotations;
  enabled: boolean;
}

/** Default `minSamples` of a rule. */
export const DEFAULT_MIN_SAMPLES = 10;
/** Default `cooldown` of a rule. */
export const DEFAULT_COOLDOWN = '15m';
