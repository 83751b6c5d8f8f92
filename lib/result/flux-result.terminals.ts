import { take, takeWhile, type Observable, type Subscription } from 'rxjs';
import { Err, Ok, type Result } from './result';
import { ErrorCode } from './error-code';
import { RfsError } from './rfs.error';
import { MonoResult } from './mono-result';

// The terminals of a FluxResult (`collect`, `collectAll`, `partition`, `stats`, `first`,
// `toArray`): each is a MonoResult that subscribes to the stream when it runs.

/** Summary of a stream of Results (`FluxResult.stats`). */
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

/** `FluxResult.collect`: every Ok value, or the first Err (fail-fast). */
export function collect<T, E>(
  source: Observable<Result<T, E>>,
): MonoResult<T[], E> {
  const source$ = source.pipe(takeWhile((r) => r.isOk(), true));
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

/** `FluxResult.collectAll`: every Ok value, or Err of every error. */
export function collectAll<T, E>(
  source$: Observable<Result<T, E>>,
): MonoResult<T[], E[]> {
  return consume<T, E, T[], E[]>(source$, () => {
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

/** `FluxResult.partition`: all values and all errors, split. */
export function partition<T, E>(
  source$: Observable<Result<T, E>>,
): MonoResult<{ oks: T[]; errs: E[] }, never> {
  return consume<T, E, { oks: T[]; errs: E[] }, never>(source$, () => {
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

/** `FluxResult.stats`: the counts of the stream. */
export function stats<T, E>(
  source$: Observable<Result<T, E>>,
): MonoResult<FluxStats, never> {
  return consume<T, E, FluxStats, never>(source$, () => {
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

/** `FluxResult.first`: the first item, or `Err(emptyErr())` (default: `NOT_FOUND`) when empty. */
export function first<T, E, F>(
  source: Observable<Result<T, E>>,
  emptyErr: (() => F) | undefined,
): MonoResult<T, E | F | RfsError> {
  const source$ = source.pipe(take(1));
  return consume<T, E, T, E | F | RfsError>(source$, () => {
    let head: Result<T, E> | undefined;
    return {
      next: (r) => ((head = r), undefined),
      complete: () =>
        head ??
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

/** `FluxResult.toArray`: every item as a Result, in stream order. */
export function toArray<T, E>(
  source$: Observable<Result<T, E>>,
): MonoResult<Result<T, E>[], never> {
  return consume<T, E, Result<T, E>[], never>(source$, () => {
    const items: Result<T, E>[] = [];
    return {
      next: (r) => (items.push(r), undefined),
      complete: () => new Ok(items),
    };
  });
}

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
