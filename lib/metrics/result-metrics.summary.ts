import type { MetricWindow, OperationMetrics } from './operation-metrics';
import { outcomeRates } from './operation-stats';
import { WINDOW_LAYOUTS } from './window-ring';

/** Totals over every operation plus each operation's metrics (`getSummary`). */
export interface MetricsSummary extends Pick<
  OperationMetrics,
  | 'window'
  | 'total'
  | 'ok'
  | 'err'
  | 'defect'
  | 'successRate'
  | 'errorRate'
  | 'throughputPerSec'
> {
  /** One entry per known operation, by name. */
  operations: OperationMetrics[];
}

/** Adds up the per-operation metrics of one window into a {@link MetricsSummary}. */
export function summarizeOperations(
  window: MetricWindow,
  operations: OperationMetrics[],
): MetricsSummary {
  let ok = 0;
  let err = 0;
  let defect = 0;
  for (const m of operations) {
    ok += m.ok;
    err += m.err;
    defect += m.defect;
  }
  const total = ok + err + defect;
  const lengthMs = WINDOW_LAYOUTS.find((l) => l.window === window)!.lengthMs;
  return {
    window,
    total,
    ok,
    err,
    defect,
    ...outcomeRates(ok, err, defect),
    throughputPerSec: total / (lengthMs / 1000),
    operations,
  };
}
