// The static side of MonoResult — its constructors and combinators — as a base class that
// MonoResult extends (static methods are inherited), so each side stays one file. It builds
// monos through mono-result.class-ref.ts (the class registers itself there), not by importing
// mono-result.ts: no import cycle.
import type { Observable } from 'rxjs';
import { Err as ErrResult, Ok as OkResult, type Result } from './result';
import type { MonoResult } from './mono-result';
import {
  newMonoResult,
  registerMonoResultClass,
} from './mono-result.class-ref';
import {
  DEFER_META,
  Err,
  FROM_ASYNC_META,
  FROM_ASYNC_WHERE,
  KIND_CUSTOM,
  KIND_THUNK,
  Ok,
  SOURCE_META,
  monoOf,
  newMeta,
  type ResultSource,
  type Source,
} from './mono-result.run-loop';
import type { CombineOptions } from './mono-result.options';
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
import {
  deferStep,
  fromPromiseStep,
  observableSource,
} from './mono-result.sources';

/** The constructors and combinators of {@link MonoResult} (use them as `MonoResult.ok(…)`). */
export abstract class MonoResultStatics {
  /** @internal A mono whose single step is `source`. */
  static fromSource<T, E>(
    source: Source<T, E>,
    timed = false,
  ): MonoResult<T, E> {
    return monoOf(source, timed);
  }

  // ───────────────────────────── constructors ─────────────────────────────

  /**
   * A mono that yields `Ok(value)`.
   * @example const m = MonoResult.ok(42); // MonoResult<number, never>
   */
  static ok(): MonoResult<void, never>;
  static ok<T>(value: T): MonoResult<T, never>;
  static ok<T>(value?: T): MonoResult<T | undefined, never> {
    return MonoResultStatics.fromResult(new Ok<T | undefined, never>(value));
  }

  /**
   * A mono that yields `Err(error)`.
   * @example const m = MonoResult.err(RfsError.notFound('user', 1));
   */
  static err<E>(error: E): MonoResult<never, E> {
    return MonoResultStatics.fromResult(new Err<never, E>(error));
  }

  /** A mono that yields the given Result. */
  static fromResult<T, E>(result: Result<T, E>): MonoResult<T, E> {
    return newMonoResult<T, E>(undefined, () => result, SOURCE_META);
  }

  /**
   * Wraps a promise-returning function (the boundary to throwing code): its value becomes Ok,
   * and whatever it throws — synchronously or as a rejection — becomes `Err(mapErr(cause))`.
   * The thunk is called on each run with the run's signal. A rejection caused by the run's own
   * abort is not mapped: the run rejects with the signal's reason. A thunk declared without
   * parameters (`fn.length === 0`, so also `(...args)` and `(s = x)`) does not make a run under
   * a lazy ambient signal (an HTTP request's) create it: declare `signal` to be sure to get it.
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
    return newMonoResult<T, E>(
      undefined,
      fromPromiseStep(thunk, mapErr),
      newMeta(KIND_CUSTOM, false, undefined, true, mapErr),
    );
  }

  /**
   * Wraps a function that returns a `Result` (or a promise of one), called on each run with
   * the run's signal (a thunk without parameters leaves a lazy one uncreated, as in
   * {@link MonoResultStatics.fromPromise}). A throw or rejection is a defect (the run rejects),
   * unless `mapErr` is given: then it becomes `Err(mapErr(cause))`.
   */
  static fromAsync<T, E>(
    thunk: (signal: AbortSignal) => PromiseLike<Result<T, E>> | Result<T, E>,
    mapErr?: (cause: unknown) => E,
  ): MonoResult<T, E> {
    return newMonoResult<T, E>(
      undefined,
      thunk as (x: never) => unknown,
      mapErr === undefined
        ? FROM_ASYNC_META
        : newMeta(KIND_THUNK, false, FROM_ASYNC_WHERE, false, mapErr),
    );
  }

  /** Builds the mono on each run (the factory runs lazily, once per run). */
  static defer<T, E>(factory: () => ResultSource<T, E>): MonoResult<T, E> {
    return newMonoResult<T, E>(undefined, deferStep(factory), DEFER_META);
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
    return monoOf(observableSource(source, mapErr, emptyErr), false);
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

/**
 * Called once by mono-result.ts right after it defines the class (before any mono exists):
 * registers it in mono-result.class-ref.ts, through which the class's parts build and recognise
 * monos, and anchors its shapes.
 */
export function setUpMonoResultClass(cls: typeof MonoResult): void {
  registerMonoResultClass(cls);
  anchorShapes(cls);
}

/**
 * Keeps one MonoResult, Ok and Err alive for the life of the process, on the class itself.
 * V8 holds the shapes (maps) of a class's instances only weakly: when a full GC finds none
 * alive — say, between two bursts of requests — it frees their shapes, and every function
 * optimized for them (the whole run loop) deoptimizes and has to warm up again.
 */
function anchorShapes(cls: typeof MonoResult): void {
  (cls as unknown as Record<symbol, unknown>)[Symbol('shape anchors')] = [
    newMonoResult(undefined, () => undefined, undefined as never),
    ...[0, 0.5, '', {}].flatMap((v) => [new OkResult(v), new ErrResult(v)]),
  ];
}
