import type { Result } from '../result/result';
import { MonoResult } from '../result/mono-result';
import {
  assertResultError,
  assertResultFailure,
  assertResultSuccess,
  assertResultValue,
  errorCodeOf,
  type ExpectedError,
  type ValueType,
} from './result.assertions';
import {
  RfsAssertionError,
  failureMessage,
  show,
  showDefect,
} from './rfs-assertion.error';

/** What the mono assertions run: a `MonoResult` or any promise of a Result. */
export type MonoLike<T, E> = MonoResult<T, E> | PromiseLike<Result<T, E>>;

/**
 * Runs a MonoResult (or awaits a promise of a Result) and returns its Result; a run that
 * rejects (a defect) fails with a message showing the rejection.
 */
export async function runMono<T, E>(
  mono: MonoLike<T, E>,
  assertion = 'runMono',
): Promise<Result<T, E>> {
  if (
    mono === null ||
    typeof mono !== 'object' ||
    typeof (mono as { then?: unknown }).then !== 'function'
  ) {
    throw new RfsAssertionError(
      failureMessage(
        `${assertion}: expected a MonoResult or a promise of a Result.`,
        [['Received', show(mono)]],
      ),
      mono,
    );
  }
  try {
    return mono instanceof MonoResult ? await mono.run() : await mono;
  } catch (defect) {
    throw new RfsAssertionError(
      failureMessage(
        `${assertion}: expected the MonoResult to yield a Result, but its run rejected (a defect).`,
        [['Rejection', showDefect(defect)]],
      ),
      defect,
    );
  }
}

/**
 * Runs `mono`, asserts it yields an `Ok` (of `type`, if given) and returns the value.
 *
 * @example
 * ```ts
 * const user = await assertMonoResultSuccess(service.load('1'));
 * ```
 */
export async function assertMonoResultSuccess<T, E>(
  mono: MonoLike<T, E>,
): Promise<T>;
export async function assertMonoResultSuccess<T, E, U extends T>(
  mono: MonoLike<T, E>,
  type: ValueType<U>,
): Promise<U>;
export async function assertMonoResultSuccess<T, E>(
  mono: MonoLike<T, E>,
  type?: ValueType<T>,
): Promise<T> {
  const r = await runMono(mono, 'assertMonoResultSuccess');
  if (type === undefined) assertResultSuccess(r);
  else assertResultSuccess(r, type);
  return r.value;
}

/** Runs `mono`, asserts it yields an `Err` (of `errorType`, if given) and returns the error. */
export async function assertMonoResultFailure<T, E>(
  mono: MonoLike<T, E>,
): Promise<E>;
export async function assertMonoResultFailure<T, E, F extends E>(
  mono: MonoLike<T, E>,
  errorType: ValueType<F>,
): Promise<F>;
export async function assertMonoResultFailure<T, E>(
  mono: MonoLike<T, E>,
  errorType?: ValueType<E>,
): Promise<E> {
  const r = await runMono(mono, 'assertMonoResultFailure');
  if (errorType === undefined) assertResultFailure(r);
  else assertResultFailure(r, errorType);
  return r.error;
}

/** Runs `mono` and asserts it yields `Ok(expected)` (strict deep equality; diff on failure). */
export async function assertMonoResultValue<T, E>(
  mono: MonoLike<T, E>,
  expected: T,
): Promise<void> {
  assertResultValue(await runMono(mono, 'assertMonoResultValue'), expected);
}

/** Runs `mono` and asserts it yields an `Err` matching `expected` (as {@link assertResultError}). */
export async function assertMonoResultError<T, E>(
  mono: MonoLike<T, E>,
  expected: ExpectedError<E>,
): Promise<E> {
  const r = await runMono(mono, 'assertMonoResultError');
  assertResultError(r, expected);
  return r.error;
}

/** Options of {@link assertMonoResultTimeout}. */
export interface MonoTimeoutOptions {
  /** Time source in ms (default `performance.now`, which Jest fake timers also drive). */
  now?: () => number;
}

/**
 * Runs `mono` and asserts it ends in a `TIMEOUT_ERROR` Err about `ms` after the run started
 * (within ±`tolerancePct` percent, default 20). Under fake timers, advance them while the
 * returned promise is pending.
 *
 * @example
 * ```ts
 * jest.useFakeTimers();
 * const check = assertMonoResultTimeout(slow.timeout(100), 100);
 * await jest.advanceTimersByTimeAsync(100);
 * await check;
 * ```
 */
export async function assertMonoResultTimeout<T, E>(
  mono: MonoLike<T, E>,
  ms: number,
  tolerancePct = 20,
  options: MonoTimeoutOptions = {},
): Promise<void> {
  if (!(ms >= 0) || !(tolerancePct >= 0)) {
    throw new RangeError(
      `assertMonoResultTimeout: ms and tolerancePct must be numbers >= 0, got ${String(ms)} and ${String(tolerancePct)}.`,
    );
  }
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const r = await runMono(mono, 'assertMonoResultTimeout');
  const elapsed = now() - t0;
  if (r.isOk() || errorCodeOf(r.error) !== 'TIMEOUT_ERROR') {
    throw new RfsAssertionError(
      failureMessage(
        `Expected the MonoResult to time out (an Err with code 'TIMEOUT_ERROR') after ${ms} ms, but it yielded ${
          r.isOk() ? 'an Ok' : 'another Err'
        } after ${round(elapsed)} ms.`,
        [[r.isOk() ? 'Value' : 'Error', show(r.isOk() ? r.value : r.error)]],
      ),
      r,
      ms,
    );
  }
  const slack = (ms * tolerancePct) / 100;
  if (elapsed < ms - slack || elapsed > ms + slack) {
    throw new RfsAssertionError(
      `Expected the MonoResult to time out after ${ms} ms (±${tolerancePct}%: ${round(
        ms - slack,
      )}–${round(ms + slack)} ms), but it timed out after ${round(elapsed)} ms.`,
      elapsed,
      ms,
    );
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
