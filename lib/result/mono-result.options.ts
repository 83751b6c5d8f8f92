// Option types of MonoResult's operators (re-exported by mono-result.ts) and their argument checks.
import type { ResultLogLevel } from './result-log-sink';

/** Options of {@link MonoResult.retry}. */
export interface RetryOptions<E> {
  /** How many times to retry after the first attempt (`0` = no retry). Integer ≥ 0. */
  times: number;
  /** Delay before the first retry in ms (default 0). */
  delayMs?: number;
  /** `fixed` (default): always `delayMs`; `exponential`: `delayMs * 2^(retry - 1)`. */
  backoff?: 'fixed' | 'exponential';
  /** Upper bound of one delay in ms (default: none). */
  maxDelayMs?: number;
  /**
   * Randomises each delay down to `delay * (1 - jitter * Math.random())`: a fraction in [0, 1];
   * `true` means 1 ("full jitter"). Default: no jitter.
   */
  jitter?: boolean | number;
  /** Retries only the errors for which this returns true (default: every Err). */
  when?: (error: E) => boolean;
}

/** Options of {@link MonoResult.cache}. */
export interface CacheOptions {
  /** How long a settled Ok/Err is reused, from the moment it settled (default: forever). */
  ttlMs?: number;
}

/** Options of {@link MonoResult.timeout}. */
export interface TimeoutOptions {
  /** Operation name in the timeout error's message and details (default `'MonoResult'`). */
  operation?: string;
}

/** Options of the combinators {@link MonoResult.all} / `allSettled` / `any`. */
export interface CombineOptions {
  /** How many monos run at once (default: all of them). Integer ≥ 1. */
  concurrency?: number;
}

/** Options of {@link MonoResult.logStep}. */
export interface LogStepOptions {
  /** Level of the step's line (the sink's default when omitted). */
  level?: ResultLogLevel;
}

/** Options of {@link MonoResult.logPerformance}. */
export interface LogPerformanceOptions {
  /** Over this duration (ms) the record carries `slow: true` and level `warn`. */
  slowMs?: number;
}

/** A short description of a value for error messages (its type or class name). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

export function checkNonNegative(
  where: string,
  field: string,
  value: unknown,
): void {
  if (
    value !== undefined &&
    (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))
  ) {
    throw new TypeError(
      `${where}: "${field}" must be a finite number ≥ 0; got ${String(value)}`,
    );
  }
}

export function checkConcurrency(where: string, value: unknown): number {
  if (value === undefined) return Infinity;
  if (
    typeof value !== 'number' ||
    !(value >= 1) ||
    (!Number.isInteger(value) && value !== Infinity)
  ) {
    throw new TypeError(
      `${where}: "concurrency" must be an integer ≥ 1 (or Infinity); got ${String(value)}`,
    );
  }
  return value;
}
