import {
  Observable,
  catchError,
  concatMap,
  filter,
  map,
  of,
  type ObservableInput,
  type OperatorFunction,
} from 'rxjs';
import { Err, Ok, isResult, type Result } from './result';
import { MonoResult } from './mono-result';
import { boundedFlatMap } from './result-operators.bounded-flat-map';

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
