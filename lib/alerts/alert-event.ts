import type { AlertSeverity } from './alert-rule';

/** A state change of an alert (one rule × one operation). */
export interface AlertEvent {
  /** Stable id of the alert (rule + operation). */
  id: string;
  /** Rule name. */
  rule: string;
  /** Operation the rule matched. */
  operation: string;
  severity: AlertSeverity;
  status: 'firing' | 'resolved';
  /** Metric value at evaluation. */
  value: number;
  threshold: number;
  /** ISO time the alert started firing. */
  startsAt: string;
  /** ISO time it resolved. */
  endsAt?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Last correlation ids of failing operations in the window. */
  sampleCorrelationIds: string[];
}
