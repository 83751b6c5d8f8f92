import type { OperationOutcome } from '../result/outcome';
import type {
  CounterSeries,
  OperationStats,
  PromChildren,
} from './operation-stats';
import type { RfsPromMetrics } from './prometheus-metrics';

/** Outcomes in the index order of {@link PromChildren} (0 ok, 1 err, 2 defect). */
export const OPERATION_OUTCOMES: readonly OperationOutcome[] = [
  'ok',
  'err',
  'defect',
];

/** Exports the `{operation, outcome}` series of a new operation at 0. */
export function zeroOperationSeries(prom: RfsPromMetrics, name: string): void {
  for (const outcome of OPERATION_OUTCOMES) {
    prom.operations.inc({ operation: name, outcome, error_code: '' }, 0);
    prom.duration.zero({ operation: name, outcome });
  }
}

/** Exports `rfs_correlation_rejections_total` at 0 for every source. */
export function zeroCorrelationRejections(prom: RfsPromMetrics): void {
  for (const source of ['header', 'traceparent', 'message'])
    prom.correlationRejections.inc({ source }, 0);
}

/** Resets every series (the collector's `reset`); rejection sources keep their zero series. */
export function resetRfsPromMetrics(prom: RfsPromMetrics): void {
  prom.operations.reset();
  prom.duration.reset();
  prom.fluxItems.reset();
  prom.correlationRejections.reset();
  prom.httpRequests?.reset();
  prom.httpDuration?.reset();
  zeroCorrelationRejections(prom);
}

/** The cached label children of `operation` (so a record hashes no labels). */
export function operationSeries(
  prom: RfsPromMetrics,
  operation: string,
): PromChildren {
  return {
    counters: OPERATION_OUTCOMES.map((outcome) => ({
      child: prom.operations.labels({ operation, outcome, error_code: '' }),
      pending: 0,
    })),
    durations: OPERATION_OUTCOMES.map((outcome) =>
      prom.duration.labels({ operation, outcome }),
    ),
    errors: new Map(),
  };
}

/** The err series of `operation` with error code `code`, created on first use. */
export function errorCodeSeries(
  prom: RfsPromMetrics,
  children: PromChildren,
  operation: string,
  code: string,
): CounterSeries {
  let c = children.errors.get(code);
  if (!c) {
    c = {
      child: prom.operations.labels({
        operation,
        outcome: 'err',
        error_code: code,
      }),
      pending: 0,
    };
    children.errors.set(code, c);
  }
  return c;
}

/** Hands the counted increments to prom-client (run before every read of the counter). */
export function flushOperationSeries(ops: Iterable<OperationStats>): void {
  for (const stats of ops) {
    const children = stats.prom;
    if (!children) continue;
    for (const series of children.counters) flushSeries(series);
    for (const series of children.errors.values()) flushSeries(series);
  }
}

/** Hands a series' counted increments to prom-client. */
export function flushSeries(series: CounterSeries): void {
  if (series.pending > 0) {
    series.child.inc(series.pending);
    series.pending = 0;
  }
}
