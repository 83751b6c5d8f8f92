import type { Registry } from 'prom-client';
import type { ResultLogEntry } from '../logging/result-log-entry';
import { METRIC_SUFFIXES } from '../metrics/prometheus-metrics';
import type { OperationOutcome } from '../result/outcome';
import type { LogEntryFilter, RfsLogCapture } from './rfs-log.capture';
import { RfsAssertionError, failureMessage, show } from './rfs-assertion.error';

/** Anything exposing the prom-client registry of the nestjs-rfs series (the metrics collector). */
export interface MetricsRegistryHolder {
  readonly registry: Registry | undefined;
}

/**
 * Asserts `capture` holds at least one Result log line matching `filter` (exactly `count`
 * lines when given) and returns the matching lines; on failure the message lists what was
 * captured.
 *
 * @example
 * ```ts
 * assertLogged(capture, { operation: 'OrdersService.create', outcome: 'err', level: 'warn' });
 * ```
 */
export function assertLogged(
  capture: RfsLogCapture,
  filter: LogEntryFilter,
  count?: number,
): ResultLogEntry[] {
  const found = capture.entries(filter);
  const ok = count === undefined ? found.length > 0 : found.length === count;
  if (!ok) {
    throw new RfsAssertionError(
      failureMessage(
        `Expected ${count === undefined ? 'a' : count} Result log line(s) matching ${show(filter)}, but ${found.length} matched.`,
        [['Captured lines', describeLines(capture.entries())]],
      ),
      found,
      filter,
    );
  }
  return found;
}

/** One line per captured entry: `level operation outcome correlationId msg`. */
export function describeLines(lines: readonly ResultLogEntry[]): string {
  if (lines.length === 0) return '(none)';
  return lines
    .map(
      (e, i) =>
        `${i + 1}. level=${String(e.level)} operation=${e.operation} outcome=${e.outcome} correlationId=${String(e.correlationId)} msg=${JSON.stringify(e.msg)}`,
    )
    .join('\n');
}

/**
 * How many operations the Prometheus counter `<prefix>operations_total` counted for
 * `{ operation, outcome }` (all error codes together). 0 when metrics are off.
 */
export async function recordedOperationCount(
  metrics: MetricsRegistryHolder,
  operation: string,
  outcome: OperationOutcome,
): Promise<number> {
  const registry = metrics.registry;
  if (!registry) return 0;
  const all = await registry.getMetricsAsJSON();
  const counter = all.find(
    (m) =>
      m.name.endsWith(METRIC_SUFFIXES.operations) &&
      String(m.type) === 'counter',
  );
  if (!counter) return 0;
  let total = 0;
  for (const v of counter.values) {
    if (v.labels.operation === operation && v.labels.outcome === outcome) {
      total += v.value;
    }
  }
  return total;
}

/**
 * Asserts the operations counter counted exactly `count` `outcome`s of `operation`; the message
 * shows what was counted for that operation.
 *
 * @example
 * ```ts
 * await assertRecordedMetric(metrics, 'OrdersService.create', 'err', 1);
 * ```
 */
export async function assertRecordedMetric(
  metrics: MetricsRegistryHolder,
  operation: string,
  outcome: OperationOutcome,
  count: number,
): Promise<void> {
  const actual = await recordedOperationCount(metrics, operation, outcome);
  if (actual !== count) {
    const all = await recordedOutcomes(metrics, operation);
    throw new RfsAssertionError(
      failureMessage(
        `Expected ${count} '${outcome}' operation(s) recorded for ${operation}, but ${actual} were.`,
        [[`Recorded for ${operation}`, show(all)]],
      ),
      actual,
      count,
    );
  }
}

/** `{ ok, err, defect }` counts recorded for `operation`. */
export async function recordedOutcomes(
  metrics: MetricsRegistryHolder,
  operation: string,
): Promise<Record<OperationOutcome, number>> {
  const [ok, err, defect] = await Promise.all(
    (['ok', 'err', 'defect'] as const).map((o) =>
      recordedOperationCount(metrics, operation, o),
    ),
  );
  return { ok, err, defect };
}
