import {
  Observable,
  catchError,
  concatMap,
  filter,
  from,
  map,
  of,
  Subscription,
  type ObservableInput,
  type OperatorFunction,
} from 'rxjs';
import { Err, Ok, isResult, type Result } from './result';
import { MonoResult } from './mono-result';

// RxJS operators over streams of Results, for users' own pipes (FluxResult uses them too).
// Names: `mapOk`/`filterOk`/`flatMapOk`/`tapOk` say which branch they touch, so none shadows
// RxJS's `map`/`filter`/`mergeMap`/`tap`; `mapErr`/`tapErr` are free functions that share their
// names with the `Result#mapErr`/`Result#tapErr` methods on purpose (same meaning, no import
// clash: methods are not imports). nothing else in `nestjs-rfs` or RxJS exports these names.

/** What {@link flatMapOk} (and `FluxResult.flatMap`) accept from their callback. */
export type FlatMapOkInput<U, F> =
  | Result<U, F>
  | MonoResult<U, F>
  | PromiseLike<Result<U, F>>
  | Observable<Result<U, F>>;

/** Options of {@link flatMapOk} / `FluxResult.flatMap`. */
export interface FlatMapOkOptions {
  /** Inner sources running at once (default 10). Integer ≥ 1 or `Infinity`. */
  concurrency?: number;
  /** Emit in input order (default true); `false` emits in completion order. */
  ordered?: boolean;
}

/**
 * Transforms the value of each Ok item; Errs pass through untouched. A throw in `fn` is a
 * defect: an error notification on the stream.
 * @example source$.pipe(mapOk((user) => user.name))
 */
export function mapOk<T, E, U>(
  fn: (value: T) => U,
): OperatorFunction<Result<T, E>, Result<U, E>> {
  return map((r) =>
    r.isOk() ? new Ok(fn(r.value)) : (r as unknown as Err<U, E>),
  );
}

/**
 * Transforms the error of each Err item; Oks pass through untouched.
 * @example source$.pipe(mapErr((e) => RfsError.internal(String(e))))
 */
export function mapErr<T, E, F>(
  fn: (error: E) => F,
): OperatorFunction<Result<T, E>, Result<T, F>> {
  return map((r) =>
    r.isErr() ? new Err(fn(r.error)) : (r as unknown as Ok<T, F>),
  );
}

/**
 * Keeps the Ok items whose value passes `predicate` and every Err (an Err is never dropped).
 * A predicate that throws is a defect (error notification), never a silent drop.
 * @example source$.pipe(filterOk((order) => order.total > 0))
 */
export function filterOk<T, E>(
  predicate: (value: T) => boolean,
): OperatorFunction<Result<T, E>, Result<T, E>> {
  return filter((r) => r.isErr() || predicate(r.value));
}

/**
 * Observes each Ok value; an observer that throws never changes the stream.
 * @example source$.pipe(tapOk((v) => seen.push(v)))
 */
export function tapOk<T, E>(
  fn: (value: T) => unknown,
): OperatorFunction<Result<T, E>, Result<T, E>> {
  return map((r) => r.tap(fn));
}

/**
 * Observes each Err's error; an observer that throws never changes the stream.
 * @example source$.pipe(tapErr((e) => logger.warn(e)))
 */
export function tapErr<T, E>(
  fn: (error: E) => unknown,
): OperatorFunction<Result<T, E>, Result<T, E>> {
  return map((r) => r.tapErr(fn));
}

/**
 * Turns a plain stream into a stream of Results: each value becomes Ok, and an error
 * notification becomes one final `Err(mapErr(error))` followed by completion.
 * @example http$.pipe(toResult((e) => RfsError.externalService('billing', String(e))))
 */
export function toResult<T, E>(
  mapErr: (error: unknown) => E,
): OperatorFunction<T, Result<T, E>> {
  return (source) =>
    source.pipe(
      map((v): Result<T, E> => new Ok(v)),
      catchError((error: unknown) => of(new Err<T, E>(mapErr(error)))),
    );
}

/**
 * Chains an async step on each Ok item with bounded concurrency; Errs pass through. `fn`
 * returns a Result, a MonoResult (run per item; aborted on unsubscribe), a Promise of a Result
 * or an Observable of Results (all its items). With `ordered: true` (default) items leave in
 * input order while up to `concurrency` run at once.
 *
 * @example
 * ```ts
 * ids$.pipe(mapOk(Number), flatMapOk((id) => loadUser(id), { concurrency: 4 }))
 * ```
 */
export function flatMapOk<T, E, U, F>(
  fn: (value: T) => FlatMapOkInput<U, F>,
  options: FlatMapOkOptions = {},
): OperatorFunction<Result<T, E>, Result<U, E | F>> {
  const concurrency = options.concurrency ?? 10;
  if (
    typeof concurrency !== 'number' ||
    !(concurrency >= 1) ||
    (!Number.isInteger(concurrency) && concurrency !== Infinity)
  ) {
    throw new TypeError(
      `flatMapOk: "concurrency" must be an integer ≥ 1 (or Infinity); got ${String(concurrency)}`,
    );
  }
  const project = (r: Result<T, E>): ObservableInput<Result<U, E | F>> =>
    r.isErr() ? [r as unknown as Err<U, E>] : toInput(fn(r.value));
  // Promises and Observables from `fn` are not checked by `toInput` (that would cost a promise
  // per item): `checkItem` runs on what they emit.
  if (concurrency === 1 && options.ordered !== false) {
    return (source) =>
      source.pipe(concatMap(project), map(checkItem<U, E | F>));
  }
  return boundedFlatMap(
    project,
    concurrency,
    checkItem<U, E | F>,
    options.ordered !== false,
  );
}

/** What `fn` returned, as an ObservableInput (most frequent kinds first). */
function toInput<U, F>(
  value: FlatMapOkInput<U, F>,
): ObservableInput<Result<U, F>> {
  if (value instanceof Promise) return value;
  if (isResult(value)) return [value as Result<U, F>];
  if (value instanceof MonoResult) return value.toObservable();
  if (value instanceof Observable) return value;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  ) {
    return Promise.resolve(value) as Promise<Result<U, F>>;
  }
  return [checkItem<U, F>(value)];
}

function checkItem<U, F>(value: unknown): Result<U, F> {
  if (isResult(value)) return value as Result<U, F>;
  const got =
    value === null
      ? 'null'
      : typeof value === 'object'
        ? (value.constructor?.name ?? 'object')
        : typeof value;
  throw new TypeError(
    `flatMap callback must return a Result, a MonoResult, a Promise of a Result or an Observable of Results; got ${got}`,
  );
}

/** The buffered items of an inner Observable in {@link boundedFlatMap}'s ordered mode. */
class Slot<B> {
  readonly items: B[] = [];
  done = false;
}

/**
 * `mergeMap` with bounded concurrency, optionally keeping the input order ("concatMapEager",
 * which RxJS lacks). Promises (what an async callback returns) are awaited with one `then` per
 * item, with no inner Observable or subscriber; single Results go out at once; other inners
 * (Observables, MonoResults) are subscribed to. Ordered: an item whose turn has not come waits
 * in a buffer until every earlier inner completed.
 */
function boundedFlatMap<A, B>(
  project: (value: A) => ObservableInput<B>,
  concurrency: number,
  check: (item: unknown) => B,
  ordered: boolean,
): OperatorFunction<A, B> {
  return (source) =>
    new Observable<B>((subscriber) => {
      /** Outer values waiting for a free slot (read from `queueHead`). */
      const queue: A[] = [];
      let queueHead = 0;
      let active = 0;
      let draining = false;
      let sourceDone = false;
      /** Ordered: index of the next inner to start / whose items go out now. */
      let nextIndex = 0;
      let head = 0;
      /** Ordered: finished single items (a `B`) and buffered inners (a `Slot`) by index. */
      const waiting = new Map<number, B | Slot<B>>();
      const inners = new Subscription();

      const fail = (e: unknown): void => subscriber.error(e);
      const maybeComplete = (): void => {
        if (sourceDone && active === 0 && queueHead === queue.length) {
          subscriber.complete();
        }
      };
      /** The head inner is done: release the following finished ones, in order. */
      const release = (): void => {
        head++;
        while (waiting.size > 0) {
          const slot = waiting.get(head);
          if (slot === undefined) return;
          waiting.delete(head);
          if (slot instanceof Slot) {
            for (const x of slot.items) subscriber.next(x);
            if (!slot.done) return;
          } else subscriber.next(slot);
          head++;
        }
      };
      /** One finished single-value inner. */
      const single = (index: number, value: unknown): void => {
        let item: B;
        try {
          item = check(value);
        } catch (e) {
          subscriber.error(e);
          return;
        }
        if (!ordered) subscriber.next(item);
        else if (index !== head) waiting.set(index, item);
        else {
          subscriber.next(item);
          release();
        }
      };
      const drain = (): void => {
        if (draining) return;
        draining = true;
        while (
          active < concurrency &&
          queueHead < queue.length &&
          !subscriber.closed
        ) {
          const value = queue[queueHead];
          queue[queueHead++] = undefined as A;
          start(value);
        }
        if (queueHead === queue.length) {
          queue.length = 0;
          queueHead = 0;
        }
        draining = false;
        maybeComplete();
      };
      const start = (value: A): void => {
        const index = nextIndex++;
        let input: ObservableInput<B>;
        try {
          input = project(value);
        } catch (e) {
          subscriber.error(e);
          return;
        }
        if (input instanceof Promise) {
          active++;
          input.then((item: unknown) => {
            if (subscriber.closed) return;
            active--;
            single(index, item);
            drain();
          }, fail);
          return;
        }
        if (Array.isArray(input) && input.length === 1) {
          single(index, input[0]);
          return;
        }
        active++;
        let slot: Slot<B> | undefined;
        let innerDone = false;
        let sub: Subscription | undefined = undefined;
        sub = from(input).subscribe({
          next: (x) => {
            let item: B;
            try {
              item = check(x);
            } catch (e) {
              subscriber.error(e);
              return;
            }
            if (!ordered || index === head) subscriber.next(item);
            else {
              if (slot === undefined) {
                slot = new Slot<B>();
                waiting.set(index, slot);
              }
              slot.items.push(item);
            }
          },
          error: fail,
          complete: () => {
            innerDone = true;
            if (sub !== undefined) inners.remove(sub);
            if (ordered) {
              if (index === head) release();
              else if (slot === undefined) {
                slot = new Slot<B>();
                slot.done = true;
                waiting.set(index, slot);
              } else slot.done = true;
            }
            active--;
            drain();
          },
        });
        if (!innerDone) inners.add(sub);
      };

      inners.add(
        source.subscribe({
          next: (value) => {
            // a synchronous source keeps emitting after a downstream `take` closed us
            if (subscriber.closed) return;
            if (active < concurrency && queueHead === queue.length)
              start(value);
            else queue.push(value);
          },
          error: fail,
          complete: () => {
            sourceDone = true;
            maybeComplete();
          },
        }),
      );
      return () => {
        inners.unsubscribe();
        queue.length = 0;
        waiting.clear();
      };
    });
}
