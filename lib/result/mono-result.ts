import { Observable } from 'rxjs';
import { Err, Ok, type Result } from './result';
import type { RfsError } from './rfs.error';
import {
  ambientSignals,
  signalOf,
  type AbortSignalSource,
} from './mono-result.ambient-signal';
import {
  FLAT_MAP_WHERE,
  FREE_RUN,
  FROM_ASYNC_META,
  FROM_ASYNC_WHERE,
  KIND_CUSTOM,
  KIND_FLAT_MAP,
  KIND_MAP,
  KIND_THUNK,
  SHARED_META,
  SOURCE_META,
  callObserver,
  isThenable,
  metaFor,
  newContext,
  newMeta,
  runMono,
  sourceOf,
  toStep,
  type ResultSource,
  type RunContext,
  type Source,
  type Step,
  type StepMeta,
  type StepNode,
} from './mono-result.run-loop';
import {
  checkNonNegative,
  type CacheOptions,
  type CombineOptions,
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
  combine,
  type AnyMono,
  type ErrOf,
  type MonoErrType,
  type MonoInput,
  type MonoOkType,
  type OkShape,
  type ResultShape,
} from './mono-result.combinators';

// The MonoResult class and its public API. Its parts live beside it, one concern per file:
// the run loop and step machinery (mono-result.run-loop.ts), the ambient abort signal
// (mono-result.ambient-signal.ts), option types and argument checks (mono-result.options.ts),
// the timeout/retry/cache sources (mono-result.resilience.ts), the log methods' sources
// (mono-result.logging.ts) and the combinators all/allSettled/any (mono-result.combinators.ts).
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

/** Reason given to a run whose `toObservable()` subscriber unsubscribed before it settled. */
const UNSUBSCRIBED = new DOMException(
  'MonoResult: the Observable was unsubscribed',
  'AbortError',
);

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
export class MonoResult<T, E = never> implements PromiseLike<Result<T, E>> {
  /** Phantom fields carrying `T`/`E` for inference; never set at run time. */
  declare readonly __monoTypes?: { value: T; error: E };

  // Fields are `declare`d and assigned in the constructor: emitted class fields are
  // initialised with define semantics, which V8 11 (Node 20) runs several times slower, and
  // a chain allocates one MonoResult per operator.
  /** @internal The previous step (`undefined` for a source). */
  declare readonly prev: MonoResult<unknown, unknown> | undefined;
  /** @internal The step's function. */
  declare readonly fn: (x: never, ctx: RunContext) => unknown;
  /** @internal What kind of step this is (shared between steps of the same kind). */
  declare readonly meta: StepMeta;
  /** @internal The steps from the source to this one; built on the first run. */
  declare steps: readonly StepNode[] | undefined;

  /** @internal Use the static constructors. */
  constructor(
    prev: MonoResult<unknown, unknown> | undefined,
    fn: (x: never, ctx: RunContext) => unknown,
    meta: StepMeta,
  ) {
    (this as { prev: unknown }).prev = prev;
    (this as { fn: unknown }).fn = fn;
    (this as { meta: StepMeta }).meta = meta;
    this.steps = undefined;
  }

  /** @internal True when the chain holds log methods (its runs read the clock). */
  get timed(): boolean {
    return this.meta.timed;
  }

  /** @internal A mono whose single step is `source`. */
  static fromSource<T, E>(
    source: Source<T, E>,
    timed = false,
  ): MonoResult<T, E> {
    return new MonoResult<T, E>(
      undefined,
      (_r: unknown, ctx: RunContext) => source(ctx),
      SHARED_META[KIND_CUSTOM][timed ? 1 : 0],
    );
  }

  /** @internal This chain plus one step (fused: no promise unless the step returns one). */
  private step<U, F>(
    fn: (r: Result<T, E>, ctx: RunContext) => unknown,
    where?: string,
    kind: number = KIND_CUSTOM,
  ): MonoResult<U, F> {
    const timed = this.meta.timed;
    return new MonoResult<U, F>(
      this as MonoResult<unknown, unknown>,
      fn as (x: never, ctx: RunContext) => unknown,
      metaFor(kind, timed, where, false, undefined),
    );
  }

  /** @internal A mono wrapping this whole chain (timeout, retry, cache, log methods, …). */
  private wrap<U, F>(
    source: Source<U, F>,
    timed = this.timed,
  ): MonoResult<U, F> {
    return MonoResult.fromSource(source, timed);
  }

  // ───────────────────────────── constructors ─────────────────────────────

  /**
   * A mono that yields `Ok(value)`.
   * @example const m = MonoResult.ok(42); // MonoResult<number, never>
   */
  static ok(): MonoResult<void, never>;
  static ok<T>(value: T): MonoResult<T, never>;
  static ok<T>(value?: T): MonoResult<T | undefined, never> {
    const r = new Ok<T | undefined, never>(value);
    return new MonoResult(undefined, () => r, SOURCE_META);
  }

  /**
   * A mono that yields `Err(error)`.
   * @example const m = MonoResult.err(RfsError.notFound('user', 1));
   */
  static err<E>(error: E): MonoResult<never, E> {
    const r = new Err<never, E>(error);
    return new MonoResult(undefined, () => r, SOURCE_META);
  }

  /** A mono that yields the given Result. */
  static fromResult<T, E>(result: Result<T, E>): MonoResult<T, E> {
    return new MonoResult(undefined, () => result, SOURCE_META);
  }

  /**
   * Wraps a promise-returning function (the boundary to throwing code): its value becomes Ok,
   * and whatever it throws — synchronously or as a rejection — becomes `Err(mapErr(cause))`.
   * The thunk is called on each run with the run's signal. A rejection caused by the run's own
   * abort is not mapped: the run rejects with the signal's reason.
   *
   * @example
   * ```ts
   * MonoResult.fromPromise(
   *   (signal) => repo.findById(id, { signal }),
   *   (cause) => RfsError.database('findById', cause),
   * );
   * ```
   */
  static fromPromise<T, E>(
    thunk: (signal: AbortSignal) => PromiseLike<T> | T,
    mapErr: (cause: unknown) => E,
  ): MonoResult<T, E> {
    const fn = (_r: unknown, ctx: RunContext): unknown => {
      const signal = ctx.signal;
      if (signal.aborted) throw signal.reason;
      let value: PromiseLike<T> | T;
      try {
        value = thunk(signal);
      } catch (cause) {
        return new Err(mapErr(cause));
      }
      if (value instanceof Promise) return value;
      return isThenable(value) ? Promise.resolve(value) : new Ok(value);
    };
    return new MonoResult<T, E>(
      undefined,
      fn,
      newMeta(KIND_CUSTOM, false, undefined, true, mapErr),
    );
  }

  /**
   * Wraps a function that returns a `Result` (or a promise of one), called on each run with
   * the run's signal. A throw or rejection is a defect (the run rejects), unless `mapErr` is
   * given: then it becomes `Err(mapErr(cause))`.
   */
  static fromAsync<T, E>(
    thunk: (signal: AbortSignal) => PromiseLike<Result<T, E>> | Result<T, E>,
    mapErr?: (cause: unknown) => E,
  ): MonoResult<T, E> {
    return new MonoResult<T, E>(
      undefined,
      thunk as (x: never) => unknown,
      mapErr === undefined
        ? FROM_ASYNC_META
        : newMeta(KIND_THUNK, false, FROM_ASYNC_WHERE, false, mapErr),
    );
  }

  /** Builds the mono on each run (the factory runs lazily, once per run). */
  static defer<T, E>(factory: () => ResultSource<T, E>): MonoResult<T, E> {
    const where = 'MonoResult.defer factory';
    const fn = (_r: unknown, ctx: RunContext): unknown => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return toStep(factory(), ctx, where);
    };
    return new MonoResult<T, E>(
      undefined,
      fn,
      newMeta(KIND_CUSTOM, false, where),
    );
  }

  /**
   * The first value of an Observable as Ok (then unsubscribes); an error notification becomes
   * `Err(mapErr(error))`, completion without a value `Err(emptyErr())`. Subscribes on each run;
   * abort unsubscribes.
   */
  static fromObservable<T, E>(
    source: Observable<T>,
    mapErr: (error: unknown) => E,
    emptyErr: () => E,
  ): MonoResult<T, E> {
    return MonoResult.fromSource<T, E>((ctx) => {
      const signal = ctx.signal;
      if (signal.aborted) throw signal.reason;
      return new Promise<Result<T, E>>((resolve, reject) => {
        let settled = false;
        const onAbort = (): void => {
          settle();
          reject(signal.reason);
        };
        const settle = (): boolean => {
          if (settled) return false;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          sub?.unsubscribe();
          return true;
        };
        const guard = (fn: () => Result<T, E>): void => {
          if (!settled) {
            try {
              const r = fn();
              settle();
              resolve(r);
            } catch (e) {
              settle();
              reject(e);
            }
          }
        };
        signal.addEventListener('abort', onAbort, { once: true });
        // eslint-disable-next-line prefer-const -- assigned after subscribe may already emit
        let sub: { unsubscribe(): void } | undefined;
        sub = source.subscribe({
          next: (v) => guard(() => new Ok(v)),
          error: (e: unknown) => guard(() => new Err(mapErr(e))),
          complete: () => guard(() => new Err(emptyErr())),
        });
        if (settled) sub.unsubscribe();
      });
    });
  }

  // ───────────────────────────── running ─────────────────────────────

  /**
   * Runs the chain. The signal (if any) is passed to every thunk; on abort, pending retries and
   * timers stop and the returned promise rejects with `signal.reason`. A defect rejects it.
   * Without a signal, a run inside {@link runWithAbortSignal} (e.g. a route handler under
   * ResultInterceptor) uses the ambient signal; elsewhere it is never aborted.
   */
  run(signal?: AbortSignal): Promise<Result<T, E>> {
    if (signal === undefined) {
      const ambient = ambientSignals.getStore();
      if (ambient !== undefined) return this.runAmbient(ambient);
      try {
        const s = runMono(this, FREE_RUN);
        return s instanceof Promise ? s : Promise.resolve(s);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<Result<T, E>>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let s: Step<T, E>;
      try {
        s = runMono(this, newContext(signal));
      } catch (error) {
        signal.removeEventListener('abort', onAbort);
        reject(error);
        return;
      }
      if (!(s instanceof Promise)) {
        signal.removeEventListener('abort', onAbort);
        resolve(s);
        return;
      }
      s.then(
        (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** A signal-less run inside {@link runWithAbortSignal}: runs with the ambient signal. */
  private runAmbient(source: AbortSignalSource): Promise<Result<T, E>> {
    let signal: AbortSignal;
    try {
      signal = signalOf(source);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.run(signal);
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
    return new Observable<Result<T, E>>((subscriber) => {
      const ac = new AbortController();
      let settled = false;
      this.run(ac.signal).then(
        (r) => {
          settled = true;
          subscriber.next(r);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          if (!ac.signal.aborted) subscriber.error(error);
        },
      );
      return () => {
        if (!settled) ac.abort(UNSUBSCRIBED);
      };
    });
  }

  // ───────────────────────────── operators ─────────────────────────────

  /** Transforms the Ok value (a throw in `fn` is a defect). */
  map<U>(fn: (value: T) => U): MonoResult<U, E> {
    return this.step<U, E>(fn as never, undefined, KIND_MAP);
  }

  /** Transforms the error (a throw in `fn` is a defect). */
  mapErr<F>(fn: (error: E) => F): MonoResult<T, F> {
    const onResult = (r: Result<T, E>): Result<T, F> =>
      r.isErr() ? new Err(fn(r.error)) : (r as unknown as Ok<T, F>);
    return this.step<T, F>(onResult);
  }

  /**
   * Chains the next step on Ok: `fn` returns a Result, a MonoResult (run with the same signal)
   * or a Promise of a Result. Errs skip it.
   */
  flatMap<U, F>(fn: (value: T) => ResultSource<U, F>): MonoResult<U, E | F> {
    return this.step<U, E | F>(fn as never, FLAT_MAP_WHERE, KIND_FLAT_MAP);
  }

  /** Alias of {@link MonoResult.flatMap}. */
  andThen<U, F>(fn: (value: T) => ResultSource<U, F>): MonoResult<U, E | F> {
    return this.flatMap(fn);
  }

  /**
   * Recovers from an Err with another Result source (Result, MonoResult or Promise of one);
   * its error type replaces `E`.
   */
  orElse<U, F>(fn: (error: E) => ResultSource<U, F>): MonoResult<T | U, F> {
    const onResult = (r: Result<T, E>, ctx: RunContext): unknown => {
      if (r.isOk()) return r as unknown as Ok<T, F>;
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return toStep(fn(r.error), ctx, 'MonoResult.orElse callback');
    };
    return this.step<T | U, F>(onResult, 'MonoResult.orElse callback');
  }

  /** Replaces an Err by `Ok(await fn(error))`; `fn` may be sync or async (a throw is a defect). */
  recover<U>(fn: (error: E) => U | PromiseLike<U>): MonoResult<T | U, never> {
    const onResult = (r: Result<T, E>): Step<T | U, never> => {
      if (r.isOk()) return r as unknown as Ok<T, never>;
      const v = fn(r.error);
      return isThenable(v)
        ? Promise.resolve(v).then((x) => new Ok<T | U, never>(x))
        : new Ok(v as U);
    };
    return this.step<T | U, never>(onResult);
  }

  /** Replaces an Err by `Ok(value)`. */
  recoverWith<U>(value: U): MonoResult<T | U, never> {
    const fallback = new Ok<U, never>(value);
    const onResult = (r: Result<T, E>): Result<T | U, never> =>
      r.isOk() ? (r as unknown as Ok<T, never>) : fallback;
    return this.step<T | U, never>(onResult);
  }

  /**
   * Observes the Ok value (sync or async: an async observer is awaited). An observer that
   * throws or rejects never changes the outcome.
   */
  tap(fn: (value: T) => unknown): MonoResult<T, E> {
    const onResult = (r: Result<T, E>): Step<T, E> => {
      if (r.isErr()) return r;
      const p = callObserver(fn, r.value);
      return p === undefined ? r : p.then(() => r);
    };
    return this.step<T, E>(onResult);
  }

  /** Observes the error, like {@link MonoResult.tap}. */
  tapErr(fn: (error: E) => unknown): MonoResult<T, E> {
    const onResult = (r: Result<T, E>): Step<T, E> => {
      if (r.isOk()) return r;
      const p = callObserver(fn, r.error);
      return p === undefined ? r : p.then(() => r);
    };
    return this.step<T, E>(onResult);
  }

  /**
   * Runs `fn` after the mono settles (Ok, Err or defect), like `Promise.prototype.finally`:
   * an async `fn` is awaited, and a throw or rejection in `fn` becomes the run's defect.
   */
  finally(fn: () => unknown): MonoResult<T, E> {
    const src = sourceOf(this);
    return this.wrap<T, E>((ctx) => {
      let p: Promise<Result<T, E>>;
      try {
        const s = src(ctx);
        p = s instanceof Promise ? s : Promise.resolve(s);
      } catch (error) {
        p = Promise.reject(error);
      }
      return p.finally(fn);
    });
  }

  /** Turns an Ok whose value fails `predicate` into `Err(errorFactory(value))`. */
  filter<F>(
    predicate: (value: T) => boolean,
    errorFactory: (value: T) => F,
  ): MonoResult<T, E | F> {
    const onResult = (r: Result<T, E>): Result<T, E | F> =>
      r.isErr() || predicate(r.value)
        ? (r as Result<T, E | F>)
        : new Err(errorFactory(r.value));
    return this.step<T, E | F>(onResult);
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

  // ───────────────────────────── logging ─────────────────────────────

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

  // ───────────────────────────── combinators ─────────────────────────────

  /**
   * Runs the monos (tuple or record) with at most `concurrency` at once: Ok of every value
   * (typed per position or key), or the first Err — the others are then aborted. A defect
   * aborts the others and rejects the run.
   *
   * @example
   * ```ts
   * const r = await MonoResult.all({ user: getUser(id), orders: getOrders(id) });
   * if (r.isOk()) r.value.user; // typed
   * ```
   */
  static all<const M extends readonly AnyMono[]>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<OkShape<M>, ErrOf<M>>;
  static all<const M extends Readonly<Record<string, AnyMono>>>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<OkShape<M>, ErrOf<M>>;
  static all(
    monos: MonoInput,
    options: CombineOptions = {},
  ): MonoResult<unknown, unknown> {
    return combine(monos, options, 'all');
  }

  /** Runs every mono (bounded like `all`) and yields every Result, Ok or Err (never an Err itself). */
  static allSettled<const M extends readonly AnyMono[]>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<ResultShape<M>, never>;
  static allSettled<const M extends Readonly<Record<string, AnyMono>>>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<ResultShape<M>, never>;
  static allSettled(
    monos: MonoInput,
    options: CombineOptions = {},
  ): MonoResult<unknown, unknown> {
    return combine(monos, options, 'allSettled');
  }

  /**
   * The first Ok (the others are then aborted), or Err of every error in input order when all
   * fail (an empty input yields `Err([])`).
   */
  static any<const M extends readonly AnyMono[]>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<MonoOkType<M[number]>, MonoErrType<M[number]>[]> {
    return combine(monos, options ?? {}, 'any') as MonoResult<
      MonoOkType<M[number]>,
      MonoErrType<M[number]>[]
    >;
  }
}
