import { isResult, type Result } from '../result/result';
import { MonoResult } from '../result/mono-result';
import { RfsAssertionError, failureMessage, show } from './rfs-assertion.error';

/** What {@link PerformanceTestHelper.measure} times: a function (sync or async) or a MonoResult. */
export type Measurable = (() => unknown) | MonoResult<unknown, unknown>;

/** Options of {@link PerformanceTestHelper.measure}. */
export interface MeasureOptions {
  /** Timed runs (integer ≥ 1). Default 100. */
  iterations?: number;
  /** Untimed runs first (JIT, caches). Default 10. */
  warmup?: number;
  /** Runs in flight at once (integer ≥ 1). Default 1. */
  concurrency?: number;
  /** Time source in ms (default `performance.now`); inject one to test deterministically. */
  now?: () => number;
}

/** Timing statistics of a {@link PerformanceTestHelper.measure} call (milliseconds). */
export interface PerformanceReport {
  /** Timed runs. */
  samples: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** samples / wall-clock seconds of the timed phase (concurrency included). */
  opsPerSec: number;
  /** How many timed runs ended in an Err (or a rejected/thrown defect). */
  errors: number;
}

/** Limits checked by {@link assertPerformance}; any subset. */
export interface PerformanceBudget {
  maxMeanMs?: number;
  maxP50Ms?: number;
  maxP95Ms?: number;
  maxP99Ms?: number;
  maxMs?: number;
  minOpsPerSec?: number;
  /** Most errors allowed (default: any). */
  maxErrors?: number;
}

/** Result of {@link PerformanceTestHelper.measureMono}. */
export interface MonoMeasurement<T, E> {
  result: Result<T, E>;
  durationMs: number;
  maxDurationMs: number | undefined;
  /** `durationMs <= maxDurationMs` (true without a limit). */
  withinBudget: boolean;
}

/**
 * Measures Result-returning code. Use it in `bench/` or for exploratory numbers: unit tests that
 * assert wall-clock budgets are flaky on shared machines — inject `now` to test the arithmetic.
 *
 * @example
 * ```ts
 * const report = await PerformanceTestHelper.measure(() => service.find('1'), { iterations: 500 });
 * assertPerformance(report, { maxP95Ms: 5 });
 * ```
 */
export class PerformanceTestHelper {
  /** Runs `target` `warmup + iterations` times and reports the timed ones. */
  static async measure(
    target: Measurable,
    options: MeasureOptions = {},
  ): Promise<PerformanceReport> {
    const iterations = options.iterations ?? 100;
    const warmup = options.warmup ?? 10;
    const concurrency = options.concurrency ?? 1;
    requireInt(iterations, 1, 'measure: iterations');
    requireInt(warmup, 0, 'measure: warmup');
    requireInt(concurrency, 1, 'measure: concurrency');
    const now = options.now ?? (() => performance.now());
    const run = toRunner(target);

    for (let i = 0; i < warmup; i++) await runOnce(run);

    const durations: number[] = [];
    let errors = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < iterations) {
        next++;
        const t0 = now();
        const failed = await runOnce(run);
        durations.push(now() - t0);
        if (failed) errors++;
      }
    };
    const start = now();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, iterations) }, worker),
    );
    const wallMs = now() - start;
    return summarize(durations, wallMs, errors);
  }

  /** Runs a MonoResult once and times it (seed parity with `measure_mono_performance`). */
  static async measureMono<T, E>(
    mono: MonoResult<T, E>,
    options: { maxDurationMs?: number; now?: () => number } = {},
  ): Promise<MonoMeasurement<T, E>> {
    const now = options.now ?? (() => performance.now());
    const t0 = now();
    const result = await mono.run();
    const durationMs = now() - t0;
    const max = options.maxDurationMs;
    return {
      result,
      durationMs,
      maxDurationMs: max,
      withinBudget: max === undefined || durationMs <= max,
    };
  }
}

/**
 * Asserts a {@link PerformanceReport} (or a `measureMono` measurement) stays within `budget`;
 * the message names every exceeded limit with the measured value.
 *
 * @example
 * ```ts
 * assertPerformance(report, { maxP95Ms: 5, minOpsPerSec: 1000 });
 * ```
 */
export function assertPerformance(
  report: PerformanceReport | MonoMeasurement<unknown, unknown>,
  budget: PerformanceBudget,
): void {
  const r: PerformanceReport =
    'samples' in report
      ? report
      : summarize([report.durationMs], report.durationMs, 0);
  const checks: [keyof PerformanceBudget, number, 'max' | 'min'][] = [
    ['maxMeanMs', r.meanMs, 'max'],
    ['maxP50Ms', r.p50Ms, 'max'],
    ['maxP95Ms', r.p95Ms, 'max'],
    ['maxP99Ms', r.p99Ms, 'max'],
    ['maxMs', r.maxMs, 'max'],
    ['minOpsPerSec', r.opsPerSec, 'min'],
    ['maxErrors', r.errors, 'max'],
  ];
  const over: string[] = [];
  for (const [key, actual, kind] of checks) {
    const limit = budget[key];
    if (limit === undefined) continue;
    if (kind === 'max' ? actual > limit : actual < limit) {
      over.push(
        `${key}: measured ${round(actual)}, ${kind === 'max' ? 'above' : 'below'} the limit ${limit}`,
      );
    }
  }
  if (over.length > 0) {
    throw new RfsAssertionError(
      failureMessage('Expected the measurement to stay within the budget.', [
        ['Exceeded', over.join('\n')],
        ['Report', show(r)],
      ]),
      r,
      budget,
    );
  }
}

function toRunner(target: Measurable): () => unknown {
  if (target instanceof MonoResult) return () => target.run();
  if (typeof target === 'function') return target;
  throw new TypeError(
    `measure: target must be a function or a MonoResult, got ${show(target)}.`,
  );
}

/** Runs once; true when the run ended in an Err or a defect. */
async function runOnce(run: () => unknown): Promise<boolean> {
  try {
    const out = await run();
    return isResult(out) && out.isErr();
  } catch {
    return true;
  }
}

function summarize(
  durations: number[],
  wallMs: number,
  errors: number,
): PerformanceReport {
  const sorted = [...durations].sort((a, b) => a - b);
  const n = sorted.length;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    samples: n,
    meanMs: n === 0 ? 0 : sum / n,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: n === 0 ? 0 : sorted[n - 1],
    opsPerSec: wallMs > 0 ? (n * 1000) / wallMs : Number.POSITIVE_INFINITY,
    errors,
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function requireInt(value: number, min: number, field: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `${field} must be an integer >= ${min}, got ${String(value)}.`,
    );
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
