import type { AlertSeverity } from './alert-rule';

/**
 * A notification about one alert (one rule × one operation): it started firing, is still
 * firing (re-notified after the rule's cooldown), or resolved.
 */
export interface AlertEvent {
  /** Stable id of the alert (`<rule>:<operation>`), the same for all its notifications. */
  id: string;
  /** Rule name. */
  rule: string;
  /** Operation the rule matched. */
  operation: string;
  severity: AlertSeverity;
  status: 'firing' | 'resolved';
  /** Metric value at evaluation (last value while firing when resolved). */
  value: number;
  threshold: number;
  /** ISO time the alert started firing. */
  startsAt: string;
  /** ISO time it resolved. */
  endsAt?: string;
  /** ISO time of the evaluation that produced this notification (unique per notification). */
  evaluatedAt: string;
  /** `alertname`, `operation`, `severity` and the rule's labels. */
  labels: Record<string, string>;
  /** Rendered `summary` / `description`. */
  annotations: Record<string, string>;
  /** Last correlation ids of failing operations in the window. */
  sampleCorrelationIds: string[];
  /** `serviceName` of the instance that evaluated the rule. */
  service: string;
  /** Instance id (`alerts.instance`, default `<hostname>:<pid>`). */
  instance: string;
  /** Link to where the alert can be investigated (`alerts.dashboardUrl`), if configured. */
  generatorURL?: string;
}
