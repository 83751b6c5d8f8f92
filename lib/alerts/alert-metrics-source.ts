import type { OperationMetrics } from '../metrics/operation-metrics';
import type { MetricWindow } from './alert-rule';

/**
 * What alert evaluation reads. `ResultMetricsCollector` implements it; tests pass an in-memory
 * source driven by the same clock as the evaluator.
 */
export interface AlertMetricsSource {
  /** Operation names known so far. */
  getOperations(): readonly string[];
  /** Windowed statistics of one operation. */
  getOperationMetrics(
    operation: string,
    window: MetricWindow,
  ): OperationMetrics;
  /** The last `limit` correlation ids of failing calls of `operation` in the window. */
  getSampleCorrelationIds(
    operation: string,
    window: MetricWindow,
    limit: number,
  ): readonly string[];
}
