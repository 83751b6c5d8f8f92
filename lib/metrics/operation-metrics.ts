import type { MetricWindow } from '../alerts/alert-rule';

export type { MetricWindow };

/** Windowed statistics of one operation (`ResultMetricsCollector.getOperationMetrics`). */
export interface OperationMetrics {
  operation: string;
  window: MetricWindow;
  /** Operations finished in the window (ok + err + defect). */
  total: number;
  ok: number;
  err: number;
  defect: number;
  /** ok / total (1 when total is 0). */
  successRate: number;
  /** (err + defect) / total (0 when total is 0). */
  errorRate: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** total / window length in seconds. */
  throughputPerSec: number;
  /** FluxResult items in the window. */
  fluxItems: { ok: number; err: number };
  /** fluxItems.ok / (ok + err) (1 when no items). */
  fluxSuccessRate: number;
  /** Count per error code (`defect` for defects). */
  errorBreakdown: Record<string, number>;
  /** The most frequent error codes, descending. */
  topErrors: { code: string; count: number }[];
}
