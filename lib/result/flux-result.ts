import {
  EMPTY,
  Observable,
  filter,
  map,
  skip,
  take,
  type OperatorFunction,
} from 'rxjs';
import { Ok, type Err, type Result } from './result';
import type { RfsError } from './rfs.error';
import { MonoResult } from './mono-result';
import {
  filterOk,
  flatMapOk,
  mapErr,
  mapOk,
  tapErr,
  tapOk,
  type FlatMapOkInput,
  type FlatMapOkOptions,
} from './result-operators';
import { toObservable, type FluxSource } from './flux-result.sources';
import * as terminals from './flux-result.terminals';
import type { FluxStats } from './flux-result.terminals';
import { logResults } from './flux-result.logging';

// The FluxResult class. Its parts live beside it: flux-result.sources (what `from` accepts),
// result-operators (the per-item RxJS operators), flux-result.terminals (the MonoResult
// terminals) and flux-result.logging (`logResults`). None of them imports this file.
export type { FluxSource } from './flux-result.sources';
export type { FluxStats } from './flux-result.terminals';

/** Options of {@link FluxResult.fromAsyncResults}. */
export interface FromAsyncResultsOptions<E> extends FlatMapOkOptions {
  /** Maps a thunk's throw/rejection to an Err; without it a rejection is a defect. */
  mapErr?: (cause: unknown) => E;
}

/**
 * A cold stream of `Result<T, E>` items over an RxJS `Observable<Result<T, E>>`.
 *
 * Per-item operators touch Ok items and let Errs flow through untouched; terminals
 * (`collect`, `collectAll`, `partition`, `stats`, `first`, `toArray`) are {@link MonoResult}s,
 * so nothing runs until they are run or awaited. A callback that throws and an error
 * notification of the source are defects: the terminal's run rejects with them.
 *
 * @example
 * ```ts
 * const r = await FluxResult.from(orderIds)
 *   .flatMap((id) => loadOrder(id), { concurrency: 4 })
 *   .filter((o) => o.total > 0)
 *   .collectAll(); // Result<Order[], RfsError[]>
 * ```
 */
export class FluxResult<T, E = never> {
  /** Phantom fields carrying `T`/`E` for inference; never set at run time. */
  declare readonly __fluxTypes?: { value: T; error: E };

  /** Wraps an Observable of Results (see also {@link FluxResult.fromResults}). */
  constructor(
    /** The underlying cold Observable. */
    readonly source$: Observable<Result<T, E>>,
  ) {}

  // ───────────────────────────── constructors ─────────────────────────────

  /**
   * A stream whose values become Ok items. An AsyncIterable is pulled lazily (one item at a
   * time, stopping when the subscriber stops: `take(3)` on an infinite generator reads 3).
   * An error of the source is a defect.
   * @example FluxResult.from([1, 2, 3]).map((n) => n * 2)
   */
  static from<T>(source: FluxSource<T>): FluxResult<T, never> {
    return new FluxResult(
      toObservable(source, 'FluxResult.from').pipe(
        map((v): Result<T, never> => new Ok(v)),
      ),
    );
  }

  /** A stream of the given Results (iterable, AsyncIterable or Observable). */
  static fromResults<T, E>(source: FluxSource<Result<T, E>>): FluxResult<T, E> {
    return new FluxResult(toObservable(source, 'FluxResult.fromResults'));
  }

  /**
   * Runs Result-returning thunks with bounded concurrency (default 10), in input order by
   * default. Each thunk gets a signal that aborts when the stream is unsubscribed. A thunk that
   * throws or rejects is a defect unless `mapErr` is given.
   *
   * @example
   * ```ts
   * FluxResult.fromAsyncResults(ids.map((id) => (signal) => fetchUser(id, signal)),
   *   { concurrency: 5 });
   * ```
   */
  static fromAsyncResults<T, E>(
    thunks: Iterable<
      (signal: AbortSignal) => PromiseLike<Result<T, E>> | Result<T, E>
    >,
    options: FromAsyncResultsOptions<E> = {},
  ): FluxResult<T, E> {
    const { mapErr: onReject, ...flat } = options;
    return FluxResult.from(thunks).flatMap(
      (thunk) => MonoResult.fromAsync(thunk, onReject),
      flat,
    );
  }

  /** A stream of Ok items. */
  static ok<T>(...values: T[]): FluxResult<T, never> {
    return FluxResult.from(values);
  }

  /** A stream that completes at once. */
  static empty<T = never, E = never>(): FluxResult<T, E> {
    return new FluxResult<T, E>(EMPTY);
  }

  // ───────────────────────────── per-item operators ─────────────────────────────

  /** Transforms each Ok value (Errs flow through; a throw is a defect). */
  map<U>(fn: (value: T) => U): FluxResult<U, E> {
    return new FluxResult(this.source$.pipe(mapOk<T, E, U>(fn)));
  }

  /** Transforms each error (Oks flow through; a throw is a defect). */
  mapErr<F>(fn: (error: E) => F): FluxResult<T, F> {
    return new FluxResult(this.source$.pipe(mapErr<T, E, F>(fn)));
  }

  /**
   * Chains an async step per Ok item: `fn` returns a Result, a MonoResult, a Promise of a
   * Result or an Observable of Results. At most `concurrency` (default 10) run at once; with
   * `ordered` (default true) items keep the input order. Unsubscribing aborts the MonoResults
   * in flight.
   */
  flatMap<U, F>(
    fn: (value: T) => FlatMapOkInput<U, F>,
    options: FlatMapOkOptions = {},
  ): FluxResult<U, E | F> {
    return new FluxResult(
      this.source$.pipe(flatMapOk<T, E, U, F>(fn, options)),
    );
  }

  /** Keeps Ok items passing `predicate` and every Err; a predicate that throws is a defect. */
  filter(predicate: (value: T) => boolean): FluxResult<T, E> {
    return new FluxResult(this.source$.pipe(filterOk<T, E>(predicate)));
  }

  /** Observes each Ok value; an observer that throws never changes the stream. */
  tapOk(fn: (value: T) => unknown): FluxResult<T, E> {
    return new FluxResult(this.source$.pipe(tapOk<T, E>(fn)));
  }

  /** Observes each error; an observer that throws never changes the stream. */
  tapErr(fn: (error: E) => unknown): FluxResult<T, E> {
    return new FluxResult(this.source$.pipe(tapErr<T, E>(fn)));
  }

  /** The first `count` items (Ok or Err), then unsubscribes upstream. */
  take(count: number): FluxResult<T, E> {
    return new FluxResult(this.source$.pipe(take(count)));
  }

  /** Skips the first `count` items (Ok or Err). */
  skip(count: number): FluxResult<T, E> {
    return new FluxResult(this.source$.pipe(skip(count)));
  }

  /**
   * Applies RxJS operators to the underlying `Observable<Result<T, E>>`; the last one must
   * produce Results.
   * @example flux.pipe(bufferCount(2), map((pair) => Result.all(pair)))
   */
  pipe(): FluxResult<T, E>;
  pipe<U, F>(
    op1: OperatorFunction<Result<T, E>, Result<U, F>>,
  ): FluxResult<U, F>;
  pipe<A, U, F>(
    op1: OperatorFunction<Result<T, E>, A>,
    op2: OperatorFunction<A, Result<U, F>>,
  ): FluxResult<U, F>;
  pipe<A, B, U, F>(
    op1: OperatorFunction<Result<T, E>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, Result<U, F>>,
  ): FluxResult<U, F>;
  pipe<A, B, C, U, F>(
    op1: OperatorFunction<Result<T, E>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, Result<U, F>>,
  ): FluxResult<U, F>;
  pipe(
    ...ops: OperatorFunction<never, unknown>[]
  ): FluxResult<unknown, unknown> {
    let out: Observable<unknown> = this.source$;
    for (const op of ops) out = op(out as Observable<never>);
    return new FluxResult(out as Observable<Result<unknown, unknown>>);
  }

  // ───────────────────────────── views ─────────────────────────────

  /** The underlying `Observable<Result<T, E>>`. */
  toObservable(): Observable<Result<T, E>> {
    return this.source$;
  }

  /** The Ok values only. */
  oks(): Observable<T> {
    return this.source$.pipe(
      filter((r): r is Ok<T, E> => r.isOk()),
      map((r) => r.value),
    );
  }

  /** The errors only. */
  errs(): Observable<E> {
    return this.source$.pipe(
      filter((r): r is Err<T, E> => r.isErr()),
      map((r) => r.error),
    );
  }

  // ───────────────────────────── terminals ─────────────────────────────

  /**
   * Every Ok value, or the first Err (fail-fast: upstream is unsubscribed at that Err, which
   * aborts work still in flight).
   */
  collect(): MonoResult<T[], E> {
    return terminals.collect(this.source$);
  }

  /** Every Ok value, or Err of every error (in stream order) when any item failed. */
  collectAll(): MonoResult<T[], E[]> {
    return terminals.collectAll(this.source$);
  }

  /** All values and all errors, split (never an Err). */
  partition(): MonoResult<{ oks: T[]; errs: E[] }, never> {
    return terminals.partition(this.source$);
  }

  /**
   * Counts of the stream: `{ total, ok, err, successRate, isAllOk }`. An empty stream gives
   * `total: 0, successRate: 1, isAllOk: true` (nothing failed).
   */
  stats(): MonoResult<FluxStats, never> {
    return terminals.stats(this.source$);
  }

  /**
   * The first item's Result. An empty stream gives `Err(emptyErr())`, by default an
   * {@link RfsError} `NOT_FOUND`.
   */
  first(): MonoResult<T, E | RfsError>;
  first<F>(emptyErr: () => F): MonoResult<T, E | F>;
  first<F>(emptyErr?: () => F): MonoResult<T, E | F | RfsError> {
    return terminals.first(this.source$, emptyErr);
  }

  /** Every item as a Result, in stream order (never an Err itself). */
  toArray(): MonoResult<Result<T, E>[], never> {
    return terminals.toArray(this.source$);
  }

  // ───────────────────────────── logging ─────────────────────────────

  /**
   * Writes one `flux` record per subscription (via the installed result-log sink) with the
   * Ok/Err counts and the duration: on completion (outcome `err` when any item failed, else
   * `ok`), on an error notification (outcome `defect`, with the error), or when the consumer
   * stops early (e.g. a `take` or a fail-fast `collect` downstream: the counts seen so far).
   */
  logResults(name: string): FluxResult<T, E> {
    return new FluxResult(logResults(this.source$, name));
  }
}
