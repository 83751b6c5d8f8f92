import type { Observable } from 'rxjs';
import type { Result } from './result';
import type { RfsError } from './rfs.error';
import { ambientSource } from './mono-result.ambient-signal';
import {
  CUSTOM_METAS,
  FLAT_MAP_METAS,
  FREE_RUN,
  MAP_METAS,
  monoOf,
  ORELSE_METAS,
  runMono,
  sourceOf,
  type MetaPair,
  type ResultSource,
  type RunContext,
  type Source,
  type StepMeta,
} from './mono-result.run-loop';
import {
  checkNonNegative,
  type CacheOptions,
  type LogPerformanceOptions,
  type LogStepOptions,
  type RetryOptions,
  type TimeoutOptions,
} from './mono-result.options';
import {
  cacheSource,
  retrySource,
  timeoutSource,
} from './mono-result.resilience';
import {
  logErrorSource,
  logPerformanceSource,
  logStepSource,
} from './mono-result.logging';
import {
  filterStep,
  finallySource,
  mapErrStep,
  orElseStep,
  recoverStep,
  recoverWithStep,
  tapStep,
  type StepFn,
} from './mono-result.operators';
import { nextMono } from './mono-result.class-ref';
import { runObservable } from './mono-result.sources';
import { runWithSignal } from './mono-result.signal-run';
import { MonoResultStatics, setUpMonoResultClass } from './mono-result.statics';

// The MonoResult class: its operators and runs. Its parts, one concern per file: constructors
// and combinators (.statics, inherited), run loop (.run-loop), runs with a signal (.signal-run),
// ambient signal (.ambient-signal), operator steps (.operators), constructor bodies (.sources),
// options (.options), timeout/retry/cache (.resilience), log methods (.logging), all/any
// (.combinators). They build monos through .class-ref (set up below, at load time).
export {
  currentAbortSignal,
  runWithAbortSignal,
  runWithoutAbortSignal,
  type AbortSignalSource,
} from './mono-result.ambient-signal';
export type { ResultSource } from './mono-result.run-loop';
export type { MonoErrType, MonoOkType } from './mono-result.combinators';
export type {
  CacheOptions,
  CombineOptions,
  LogPerformanceOptions,
  LogStepOptions,
  RetryOptions,
  TimeoutOptions,
} from './mono-result.options';

/**
 * A lazy, cold, cancellable computation of a `Result<T, E>`.
 *
 * Nothing runs until {@link MonoResult.run} (or `await`, since a MonoResult is
 * `PromiseLike<Result<T, E>>`); every run executes the chain again unless {@link MonoResult.cache}
 * was applied. Every operator returns a MonoResult, so the logging methods survive any chain.
 *
 * Failures come in two kinds: an **Err** (an expected, typed failure, part of `E`) and a
 * **defect** (a thunk or callback that throws, or a promise that rejects outside
 * `fromPromise`'s mapping): a defect makes the run reject with the thrown value. On abort of
 * the run's signal the run rejects with `signal.reason`.
 *
 * @example
 * ```ts
 * const order = MonoResult.fromPromise(
 *   (signal) => fetch(`/orders/${id}`, { signal }).then((r) => r.json()),
 *   (cause) => RfsError.externalService('orders', String(cause)),
 * )
 *   .retry({ times: 3, delayMs: 100, backoff: 'exponential' })
 *   .timeout(2_000)
 *   .map((o) => o.total);
 *
 * const r = await order; // Result<number, RfsError>
 * ```
 */
export class MonoResult<T, E = never>
  extends MonoResultStatics
  implements PromiseLike<Result<T, E>>
{
  /** Phantom fields carrying `T`/`E` for inference; never set at run time. */
  declare readonly __monoTypes?: { value: T; error: E };

  // Fields are `declare`d, not class fields (define semantics: several times slower on V8 11).
  // The library builds monos with newMonoResult/nextMono (mono-result.class-ref.ts: the same
  // fields, inlined where a chain is built), not with this class's constructor.
  /** @internal The step's function. */
  declare readonly fn: (x: never, ctx: RunContext) => unknown;
  /** @internal What kind of step this is (shared between steps of the same kind). */
  declare readonly meta: StepMeta;
  /** @internal The previous step (`undefined` for a source). */
  declare readonly prev: MonoResult<unknown, unknown> | undefined;
  /** @internal The number of steps from the source to this one (a source is 1). */
  declare readonly depth: number;

  /** @internal Use the static constructors. */
  constructor(
    prev: MonoResult<unknown, unknown> | undefined,
    fn: (x: never, ctx: RunContext) => unknown,
    meta: StepMeta,
  ) {
    super();
    (this as { fn: unknown }).fn = fn;
    (this as { meta: StepMeta }).meta = meta;
    (this as { prev: unknown }).prev = prev;
    (this as { depth: number }).depth = prev === undefined ? 1 : prev.depth + 1;
  }

  /** @internal This chain plus one step (fused: no promise unless the step returns one). */
  private step<U, F>(
    fn: StepFn<T, E> | ((value: T) => unknown),
    metas: MetaPair,
  ): MonoResult<U, F> {
    return nextMono<U, F>(this, fn as (x: never) => unknown, metas);
  }

  /** @internal A mono wrapping this whole chain (timeout, retry, cache, log methods, …). */
  private wrap<U, F>(
    source: Source<U, F>,
    timed = this.meta.timed,
  ): MonoResult<U, F> {
    return monoOf(source, timed);
  }

  /**
   * Runs the chain. The signal (if any) is passed to every thunk; on abort, pending retries and
   * timers stop and the returned promise rejects with `signal.reason`. A defect rejects it.
   * Without a signal, a run inside {@link runWithAbortSignal} (e.g. a route handler under
   * ResultInterceptor) uses the ambient signal; elsewhere it is never aborted.
   */
  run(signal?: AbortSignal): Promise<Result<T, E>> {
    // the run's one ambient-signal lookup (none with an explicit signal)
    const source = signal ?? ambientSource();
    if (source !== undefined) return runWithSignal(this, source);
    try {
      const s = runMono(this, FREE_RUN);
      return s instanceof Promise ? s : Promise.resolve(s);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Runs the mono (same as {@link MonoResult.run}: inside {@link runWithAbortSignal} with the
   * ambient signal); makes `await mono` work.
   */
  then<A = Result<T, E>, B = never>(
    onfulfilled?: ((value: Result<T, E>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run().then(onfulfilled, onrejected);
  }

  /** Runs the mono and returns the promise of its Result (alias of {@link MonoResult.run}). */
  toPromise(signal?: AbortSignal): Promise<Result<T, E>> {
    return this.run(signal);
  }

  /**
   * A cold Observable that runs the mono on subscribe and emits its Result once, then
   * completes; a defect is an error notification; unsubscribing aborts the run.
   */
  toObservable(): Observable<Result<T, E>> {
    return runObservable(this);
  }

  /** Transforms the Ok value (a throw in `fn` is a defect). */
  map<U>(fn: (value: T) => U): MonoResult<U, E> {
    return this.step<U, E>(fn, MAP_METAS);
  }

  /** Transforms the error (a throw in `fn` is a defect). */
  mapErr<F>(fn: (error: E) => F): MonoResult<T, F> {
    return this.step<T, F>(mapErrStep(fn), CUSTOM_METAS);
  }

  /**
   * Chains the next step on Ok: `fn` returns a Result, a MonoResult (run with the same signal)
   * or a Promise of a Result. Errs skip it.
   */
  flatMap<U, F>(fn: (value: T) => ResultSource<U, F>): MonoResult<U, E | F> {
    return this.step<U, E | F>(fn, FLAT_MAP_METAS);
  }

  /** Alias of {@link MonoResult.flatMap}. */
  andThen<U, F>(fn: (value: T) => ResultSource<U, F>): MonoResult<U, E | F> {
    return this.step<U, E | F>(fn, FLAT_MAP_METAS);
  }

  /**
   * Recovers from an Err with another Result source (Result, MonoResult or Promise of one);
   * its error type replaces `E`.
   */
  orElse<U, F>(fn: (error: E) => ResultSource<U, F>): MonoResult<T | U, F> {
    return this.step<T | U, F>(orElseStep(fn), ORELSE_METAS);
  }

  /** Replaces an Err by `Ok(await fn(error))`; `fn` may be sync or async (a throw is a defect). */
  recover<U>(fn: (error: E) => U | PromiseLike<U>): MonoResult<T | U, never> {
    return this.step<T | U, never>(recoverStep(fn), CUSTOM_METAS);
  }

  /** Replaces an Err by `Ok(value)`. */
  recoverWith<U>(value: U): MonoResult<T | U, never> {
    return this.step<T | U, never>(recoverWithStep(value), CUSTOM_METAS);
  }

  /**
   * Observes the Ok value (sync or async: an async observer is awaited). An observer that
   * throws or rejects never changes the outcome.
   */
  tap(fn: (value: T) => unknown): MonoResult<T, E> {
    return this.step<T, E>(tapStep(fn, true), CUSTOM_METAS);
  }

  /** Observes the error, like {@link MonoResult.tap}. */
  tapErr(fn: (error: E) => unknown): MonoResult<T, E> {
    return this.step<T, E>(tapStep(fn, false), CUSTOM_METAS);
  }

  /**
   * Runs `fn` after the mono settles (Ok, Err or defect), like `Promise.prototype.finally`:
   * an async `fn` is awaited, and a throw or rejection in `fn` becomes the run's defect.
   */
  finally(fn: () => unknown): MonoResult<T, E> {
    return this.wrap<T, E>(finallySource(sourceOf(this), fn));
  }

  /** Turns an Ok whose value fails `predicate` into `Err(errorFactory(value))`. */
  filter<F>(
    predicate: (value: T) => boolean,
    errorFactory: (value: T) => F,
  ): MonoResult<T, E | F> {
    return this.step<T, E | F>(
      filterStep(predicate, errorFactory),
      CUSTOM_METAS,
    );
  }

  /**
   * Runs both monos concurrently: Ok of both values, or the first Err (the other is aborted).
   */
  zip<U, F>(other: MonoResult<U, F>): MonoResult<[T, U], E | F> {
    return MonoResult.all([this, other] as const) as MonoResult<[T, U], E | F>;
  }

  /**
   * Ends the mono with `Err(RfsError.timeout(operation, ms))` (code `TIMEOUT_ERROR`) when it
   * does not settle within `ms`, and aborts the upstream signal (the reason is that error) so
   * the work below stops. The timer runs on `setTimeout` (fake timers drive it).
   */
  timeout(
    ms: number,
    options: TimeoutOptions = {},
  ): MonoResult<T, E | RfsError> {
    checkNonNegative('MonoResult.timeout', 'ms', ms);
    return this.wrap<T, E | RfsError>(
      timeoutSource(sourceOf(this), ms, options),
    );
  }

  /**
   * Runs the mono again on Err (defects are not retried: they are bugs, not transient
   * failures). Delays use `setTimeout`, so fake timers drive them; aborting the run stops a
   * pending wait and rejects with the signal's reason.
   *
   * @example
   * ```ts
   * mono.retry({ times: 3, delayMs: 100, backoff: 'exponential', maxDelayMs: 1_000,
   *   when: (e) => e.code !== 'VALIDATION_ERROR' });
   * ```
   */
  retry(options: RetryOptions<E>): MonoResult<T, E> {
    return this.wrap<T, E>(retrySource(sourceOf(this), options));
  }

  /**
   * Shares one execution between runs: concurrent runs of a cached mono (100 concurrent awaits)
   * run the source once, and a settled Ok/Err is reused for `ttlMs` (default: forever).
   *
   * A defect or an abort is never cached: the entry is dropped and the next run executes the
   * source again. The shared execution is detached from any single caller's signal, ambient
   * ones included (one caller's abort must not fail the others): a caller that aborts stops
   * waiting and its run rejects with its reason, while the source finishes and fills the cache.
   */
  cache(options: CacheOptions = {}): MonoResult<T, E> {
    checkNonNegative('MonoResult.cache', 'ttlMs', options.ttlMs);
    return this.wrap<T, E>(cacheSource(sourceOf(this), options));
  }

  /**
   * Writes one `step` record (via the installed result-log sink) when the chain reaches this
   * point: `durationMs` is this step only, measured from the previous `logStep` of the same
   * run (or from the run's start) — not cumulative. Err and defect outcomes are recorded with
   * their error; a defect still rejects the run. Cancellations are not logged.
   */
  logStep(name: string, options: LogStepOptions = {}): MonoResult<T, E> {
    return this.wrap<T, E>(logStepSource(sourceOf(this), name, options), true);
  }

  /**
   * Writes one `error` record on Err **and** on defect (the defect still rejects the run);
   * nothing on Ok or on cancellation. `durationMs` is the run's duration so far. A string
   * context is also the record's `name`.
   */
  logError(context?: unknown): MonoResult<T, E> {
    return this.wrap<T, E>(logErrorSource(sourceOf(this), context), true);
  }

  /**
   * Writes one `performance` record when the chain reaches this point: `durationMs` is the
   * total duration of the run so far; with `slowMs`, `slow` tells whether it was exceeded
   * (then the level is `warn`).
   */
  logPerformance(
    name: string,
    options: LogPerformanceOptions = {},
  ): MonoResult<T, E> {
    checkNonNegative('MonoResult.logPerformance', 'slowMs', options.slowMs);
    return this.wrap<T, E>(
      logPerformanceSource(sourceOf(this), name, options),
      true,
    );
  }
}

setUpMonoResultClass(MonoResult);
