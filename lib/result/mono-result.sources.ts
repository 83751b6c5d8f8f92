// Internal (not exported from the package): the bodies of MonoResult's constructors that call
// user code (fromPromise, defer, fromObservable) and of toObservable.
import { Observable } from 'rxjs';
import type { Result } from './result';
import {
  callThunk,
  DEFER_WHERE,
  Err,
  FREE_RUN,
  Ok,
  isThenable,
  toStep,
  type ResultSource,
  type RunContext,
  type Source,
} from './mono-result.run-loop';

/**
 * The step of `fromPromise`: the thunk's value (or the promise of it, which the run loop
 * awaits, maps to Ok and whose rejection it maps with `mapErr`); a sync throw is mapped here.
 */
export function fromPromiseStep<T, E>(
  thunk: (signal: AbortSignal) => PromiseLike<T> | T,
  mapErr: (cause: unknown) => E,
): (r: unknown, ctx: RunContext) => unknown {
  return (_r, ctx) => {
    // (reading `aborted` costs a getter call; the free-run signal never aborts)
    if (ctx !== FREE_RUN && ctx.aborted) throw ctx.reason;
    let value: PromiseLike<T> | T;
    try {
      // a thunk declared without parameters leaves a lazy run's signal uncreated
      value = callThunk(thunk, ctx);
    } catch (cause) {
      return new Err(mapErr(cause));
    }
    if (value instanceof Promise) return value;
    return isThenable(value) ? Promise.resolve(value) : new Ok(value);
  };
}

/** The step of `defer`: builds the source on each run. */
export function deferStep<T, E>(
  factory: () => ResultSource<T, E>,
): (r: unknown, ctx: RunContext) => unknown {
  return (_r, ctx) => {
    if (ctx.aborted) throw ctx.reason;
    return toStep(factory(), ctx, DEFER_WHERE);
  };
}

/** The source of `fromObservable`: the first value (Ok), error (mapped) or completion. */
export function observableSource<T, E>(
  source: Observable<T>,
  mapErr: (error: unknown) => E,
  emptyErr: () => E,
): Source<T, E> {
  return (ctx) => {
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
  };
}

/** Reason given to a run whose `toObservable()` subscriber unsubscribed before it settled. */
const UNSUBSCRIBED = new DOMException(
  'MonoResult: the Observable was unsubscribed',
  'AbortError',
);

/** The Observable of `toObservable`: one run per subscription, aborted on unsubscribe. */
export function runObservable<T, E>(run: {
  run(signal: AbortSignal): Promise<Result<T, E>>;
}): Observable<Result<T, E>> {
  return new Observable<Result<T, E>>((subscriber) => {
    const ac = new AbortController();
    let settled = false;
    run.run(ac.signal).then(
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
