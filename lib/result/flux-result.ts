import {
  EMPTY,
  Observable,
  defer,
  filter,
  from,
  isObservable,
  map,
  skip,
  take,
  takeWhile,
  tap,
  type OperatorFunction,
  type Subscription,
} from 'rxjs';
import { Err, Ok, type Result } from './result';
import { ErrorCode } from './error-code';
import { RfsError } from './rfs.error';
import { MonoResult } from './mono-result';
import { emitResultLog, type ResultLogRecord } from './result-log-sink';
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

/** A source of plain values for {@link FluxResult.from}. */
export type FluxSource<T> = Iterable<T> | AsyncIterable<T> | Observable<T>;

/** Summary of a stream of Results ({@link FluxResult.stats}). */
export interface FluxStats {
  /** Number of items. */
  total: number;
  /** Number of Ok items. */
  ok: number;
  /** Number of Err items. */
  err: number;
  /** `ok / total`; 1 for an empty stream (nothing failed). */
  successRate: number;
  /** True when no item is an Err (also for an empty stream). */
  isAllOk: boolean;
}

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
    const source$ = this.source$.pipe(takeWhile((r) => r.isOk(), true));
    return consume<T, E, T[], E>(source$, () => {
      const values: T[] = [];
      return {
        next: (r) =>
          r.isOk()
            ? (values.push(r.value), undefined)
            : (r as unknown as Err<T[], E>),
        complete: () => new Ok(values),
      };
    });
  }

  /** Every Ok value, or Err of every error (in stream order) when any item failed. */
  collectAll(): MonoResult<T[], E[]> {
    return consume<T, E, T[], E[]>(this.source$, () => {
      const values: T[] = [];
      const errors: E[] = [];
      return {
        next: (r) => {
          if (r.isOk()) values.push(r.value);
          else errors.push(r.error);
          return undefined;
        },
        complete: () => (errors.length > 0 ? new Err(errors) : new Ok(values)),
      };
    });
  }

  /** All values and all errors, split (never an Err). */
  partition(): MonoResult<{ oks: T[]; errs: E[] }, never> {
    return consume<T, E, { oks: T[]; errs: E[] }, never>(this.source$, () => {
      const oks: T[] = [];
      const errs: E[] = [];
      return {
        next: (r) => {
          if (r.isOk()) oks.push(r.value);
          else errs.push(r.error);
          return undefined;
        },
        complete: () => new Ok({ oks, errs }),
      };
    });
  }

  /**
   * Counts of the stream: `{ total, ok, err, successRate, isAllOk }`. An empty stream gives
   * `total: 0, successRate: 1, isAllOk: true` (nothing failed).
   */
  stats(): MonoResult<FluxStats, never> {
    return consume<T, E, FluxStats, never>(this.source$, () => {
      let okCount = 0;
      let errCount = 0;
      return {
        next: (r) => {
          if (r.isOk()) okCount++;
          else errCount++;
          return undefined;
        },
        complete: () => new Ok(toStats(okCount, errCount)),
      };
    });
  }

  /**
   * The first item's Result. An empty stream gives `Err(emptyErr())`, by default an
   * {@link RfsError} `NOT_FOUND`.
   */
  first(): MonoResult<T, E | RfsError>;
  first<F>(emptyErr: () => F): MonoResult<T, E | F>;
  first<F>(emptyErr?: () => F): MonoResult<T, E | F | RfsError> {
    const source$ = this.source$.pipe(take(1));
    return consume<T, E, T, E | F | RfsError>(source$, () => {
      let first: Result<T, E> | undefined;
      return {
        next: (r) => ((first = r), undefined),
        complete: () =>
          first ??
          new Err(
            emptyErr
              ? emptyErr()
              : new RfsError(
                  ErrorCode.NOT_FOUND,
                  'FluxResult.first(): the stream completed without an item',
                ),
          ),
      };
    });
  }

  /** Every item as a Result, in stream order (never an Err itself). */
  toArray(): MonoResult<Result<T, E>[], never> {
    return consume<T, E, Result<T, E>[], never>(this.source$, () => {
      const items: Result<T, E>[] = [];
      return {
        next: (r) => (items.push(r), undefined),
        complete: () => new Ok(items),
      };
    });
  }

  // ───────────────────────────── logging ─────────────────────────────

  /**
   * Writes one `flux` record per subscription (via the installed result-log sink) with the
   * Ok/Err counts and the duration: on completion (outcome `err` when any item failed, else
   * `ok`), on an error notification (outcome `defect`, with the error), or when the consumer
   * stops early (e.g. a `take` or a fail-fast `collect` downstream: the counts seen so far).
   */
  logResults(name: string): FluxResult<T, E> {
    const source$ = this.source$;
    return new FluxResult(
      defer(() => {
        const start = performance.now();
        let okCount = 0;
        let errCount = 0;
        let logged = false;
        const write = (defect: boolean, error?: unknown): void => {
          if (logged) return;
          logged = true;
          const rec: MutableLogRecord = {
            kind: 'flux',
            name,
            outcome: defect ? 'defect' : errCount > 0 ? 'err' : 'ok',
            durationMs: performance.now() - start,
            flux: { ok: okCount, err: errCount },
          };
          if (defect) rec.error = error;
          emitResultLog(rec);
        };
        return source$.pipe(
          tap({
            next: (r) => {
              if (r.isOk()) okCount++;
              else errCount++;
            },
            complete: () => write(false),
            error: (e: unknown) => write(true, e),
            unsubscribe: () => write(false),
          }),
        );
      }),
    );
  }
}

type MutableLogRecord = {
  -readonly [K in keyof ResultLogRecord]: ResultLogRecord[K];
};

function toStats(ok: number, err: number): FluxStats {
  const total = ok + err;
  return {
    total,
    ok,
    err,
    successRate: total === 0 ? 1 : ok / total,
    isAllOk: err === 0,
  };
}

function toObservable<X>(source: FluxSource<X>, where: string): Observable<X> {
  if (isObservable(source)) return source;
  if (
    source !== null &&
    typeof source === 'object' &&
    (Symbol.iterator in source || Symbol.asyncIterator in source)
  ) {
    // `from` reads iterables and AsyncIterables one item at a time and stops (calling the
    // iterator's `return`) as soon as the subscriber is closed
    return defer(() => from(source));
  }
  throw new TypeError(
    `${where}: expected an Iterable, an AsyncIterable or an Observable; got ${source === null ? 'null' : typeof source}`,
  );
}

/** Per-run accumulator of a terminal. `next` returns a Result to end early with it. */
interface Accumulator<T, E, A, F> {
  next(r: Result<T, E>): Result<A, F> | undefined;
  complete(): Result<A, F>;
}

/**
 * A MonoResult that subscribes on each run, feeds the accumulator and settles with its
 * Result; an error notification rejects the run (a defect); abort unsubscribes.
 */
function consume<T, E, A, F>(
  source$: Observable<Result<T, E>>,
  init: () => Accumulator<T, E, A, F>,
): MonoResult<A, F> {
  return MonoResult.fromAsync<A, F>(
    (signal) =>
      new Promise<Result<A, F>>((resolve, reject) => {
        const acc = init();
        let settled = false;
        const onAbort = (): void => {
          if (settled) return;
          settled = true;
          subscription?.unsubscribe();
          reject(signal.reason);
        };
        const settle = (fn: () => void): void => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          fn();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        let subscription: Subscription | undefined = undefined;
        subscription = source$.subscribe({
          next: (r) => {
            if (settled) return;
            let early: Result<A, F> | undefined;
            try {
              early = acc.next(r);
            } catch (e) {
              settle(() => reject(e));
              return;
            }
            if (early !== undefined) {
              const last = early;
              settle(() => resolve(last));
            }
          },
          error: (e: unknown) => settle(() => reject(e)),
          complete: () =>
            settle(() => {
              try {
                resolve(acc.complete());
              } catch (e) {
                reject(e);
              }
            }),
        });
        if (settled) subscription.unsubscribe();
      }),
  );
}
