// Internal (not exported from the package): the sources behind MonoResult.timeout/retry/cache.
import { Err, type Result } from './result';
import { RfsError } from './rfs.error';
import { NEVER_ABORTED, runDetached } from './mono-result.ambient-signal';
import {
  newContext,
  type RunContext,
  type Source,
  type Step,
} from './mono-result.run-loop';
import { withChildSignal } from './mono-result.signal-run';
import {
  checkNonNegative,
  type CacheOptions,
  type RetryOptions,
  type TimeoutOptions,
} from './mono-result.options';

/** Waits `ms` (on `setTimeout`, so fake timers drive it); rejects with the reason on abort. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The source of {@link MonoResult.timeout} (`ms` is checked by the caller). */
export function timeoutSource<T, E>(
  src: Source<T, E>,
  ms: number,
  options: TimeoutOptions,
): Source<T, E | RfsError> {
  const operation = options.operation ?? 'MonoResult';
  return (ctx) =>
    withChildSignal<T, E | RfsError>(ctx, (child, resolve, reject) => {
      const timer = setTimeout(() => {
        const error = RfsError.timeout(operation, ms);
        child.abort(error);
        resolve(new Err(error));
      }, ms);
      const childCtx: RunContext = newContext(child.signal, ctx.timing);
      let s: Step<T, E>;
      try {
        s = src(childCtx);
      } catch (error) {
        clearTimeout(timer);
        throw error;
      }
      Promise.resolve(s).then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
      child.signal.addEventListener('abort', () => clearTimeout(timer), {
        once: true,
      });
    });
}

/** The source of {@link MonoResult.retry} (checks `options`). */
export function retrySource<T, E>(
  src: Source<T, E>,
  options: RetryOptions<E>,
): Source<T, E> {
  const where = 'MonoResult.retry';
  const { times, backoff = 'fixed', when } = options;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) {
    throw new TypeError(
      `${where}: "times" must be an integer ≥ 0; got ${String(times)}`,
    );
  }
  checkNonNegative(where, 'delayMs', options.delayMs);
  if (options.maxDelayMs !== undefined)
    checkNonNegative(where, 'maxDelayMs', options.maxDelayMs);
  if (backoff !== 'fixed' && backoff !== 'exponential') {
    throw new TypeError(
      `${where}: "backoff" must be 'fixed' or 'exponential'; got ${String(backoff)}`,
    );
  }
  const jitter =
    options.jitter === true
      ? 1
      : options.jitter === false
        ? 0
        : (options.jitter ?? 0);
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw new TypeError(
      `${where}: "jitter" must be a boolean or a number in [0, 1]; got ${String(options.jitter)}`,
    );
  }
  const delayMs = options.delayMs ?? 0;
  const maxDelayMs = options.maxDelayMs ?? Infinity;
  const delayOf = (retry: number): number => {
    const base =
      backoff === 'exponential' ? delayMs * 2 ** (retry - 1) : delayMs;
    const capped = Math.min(base, maxDelayMs);
    return jitter === 0 ? capped : capped * (1 - jitter * Math.random());
  };
  return async (ctx) => {
    for (let retry = 1; ; retry++) {
      const r = await src(ctx);
      if (r.isOk() || retry > times || (when !== undefined && !when(r.error)))
        return r;
      const delay = delayOf(retry);
      if (delay > 0) await sleep(delay, ctx.signal);
      else if (ctx.aborted) throw ctx.reason;
    }
  };
}

/** The source of {@link MonoResult.cache} (`options` are checked by the caller). */
export function cacheSource<T, E>(
  src: Source<T, E>,
  options: CacheOptions,
): Source<T, E> {
  const ttlMs = options.ttlMs ?? Infinity;
  let pending: Promise<Result<T, E>> | undefined;
  let value: Result<T, E> | undefined;
  let expiresAt = 0;
  return (ctx) => {
    if (value !== undefined) {
      if (Date.now() < expiresAt) return value;
      value = undefined;
    }
    if (pending !== undefined) return pending;
    let s: Step<T, E>;
    try {
      // detached from the caller's ambient signal too (monos awaited inside the source)
      s = runDetached(src, newContext(NEVER_ABORTED));
    } catch (error) {
      if (ctx.aborted) throw ctx.reason;
      throw error;
    }
    if (!(s instanceof Promise)) {
      value = s;
      expiresAt = Date.now() + ttlMs;
      return s;
    }
    const p = s.then(
      (r) => {
        if (pending === p) {
          pending = undefined;
          value = r;
          expiresAt = Date.now() + ttlMs;
        }
        return r;
      },
      (error: unknown) => {
        if (pending === p) pending = undefined;
        throw error;
      },
    );
    pending = p;
    // every caller gets `p`; this handler only keeps a lone defect from being "unhandled"
    p.catch(() => undefined);
    return p;
  };
}
