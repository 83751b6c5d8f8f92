import { ResultUnwrapError } from './result-unwrap.error';
import { toErrorJson, type ResultJson } from './result-json';

/**
 * A typed outcome: `Ok<T, E>` holding a value or `Err<T, E>` holding an error.
 *
 * Callbacks passed to combinators (`map`, `andThen`, …) must not throw: a throw there is a
 * programming error (a defect) and propagates as an exception; it is never turned into an `Err`.
 * Capture throwing APIs as typed errors with {@link Result.fromThrowable} (or
 * `MonoResult.fromPromise`).
 *
 * @example
 * ```ts
 * const r: Result<number, string> = Result.ok(2).map((n) => n * 21);
 * if (r.isOk()) console.log(r.value); // 42
 * ```
 */
export type Result<T, E> = Ok<T, E> | Err<T, E>;

/** The value type of a Result type. */
export type OkType<R> = R extends Result<infer T, unknown> ? T : never;
/** The error type of a Result type. */
export type ErrType<R> = R extends Result<unknown, infer E> ? E : never;

/** Handlers for {@link Ok.match} / {@link Err.match}. */
export interface ResultMatcher<T, E, A, B> {
  ok: (value: T) => A;
  err: (error: E) => B;
}

/** A successful Result. */
export class Ok<T, E = never> {
  /** Phantom field carrying `E` for inference; never set at run time. */
  declare readonly __errorType?: E;

  constructor(
    /** The value. */
    readonly value: T,
  ) {}

  /** True: narrows to `Ok<T, E>`. */
  isOk(): this is Ok<T, E> {
    return true;
  }

  /** False: narrows the other branch to `Ok<T, E>`. */
  isErr(): this is Err<T, E> {
    return false;
  }

  /** Transforms the value. */
  map<U>(fn: (value: T) => U): Result<U, E> {
    return new Ok(fn(this.value));
  }

  /** Transforms the error (nothing to do on Ok: returns this). */
  mapErr<F>(_fn: (error: E) => F): Result<T, F> {
    return this as unknown as Ok<T, F>;
  }

  /** Chains a Result-returning step. */
  andThen<U, F>(fn: (value: T) => Result<U, F>): Result<U, E | F> {
    return fn(this.value);
  }

  /** Alias of {@link Ok.andThen}. */
  flatMap<U, F>(fn: (value: T) => Result<U, F>): Result<U, E | F> {
    return fn(this.value);
  }

  /** Recovers from an error (nothing to do on Ok: returns this). */
  orElse<U, F>(_fn: (error: E) => Result<U, F>): Result<T | U, F> {
    return this as unknown as Ok<T | U, F>;
  }

  /** Folds both branches into one value. */
  match<A, B = A>(matcher: ResultMatcher<T, E, A, B>): A | B {
    return matcher.ok(this.value);
  }

  /** The value, or `fallback` on Err. */
  unwrapOr<U>(_fallback: U): T | U {
    return this.value;
  }

  /** The value, or `fn(error)` on Err. */
  unwrapOrElse<U>(_fn: (error: E) => U): T | U {
    return this.value;
  }

  /** The value; on Err throws the error (when it is an `Error`) or a {@link ResultUnwrapError}. */
  unwrapOrThrow(): T {
    return this.value;
  }

  /** The value; on Err throws a {@link ResultUnwrapError} with `message` and `cause` = the error. */
  expect(_message: string): T {
    return this.value;
  }

  /**
   * Observes the value. An observer that throws (or returns a promise that rejects) never
   * changes the result; the result does not wait for a returned promise.
   */
  tap(fn: (value: T) => unknown): this {
    observe(fn, this.value);
    return this;
  }

  /** Observes the error (nothing to do on Ok). */
  tapErr(_fn: (error: E) => unknown): this {
    return this;
  }

  /** `{ ok: true, value }`. */
  toJSON(): ResultJson<T> {
    return { ok: true, value: this.value };
  }

  /** Yields nothing and returns the value: `const v = yield* okResult` inside {@link Result.gen}. */
  // eslint-disable-next-line require-yield -- an Ok never yields: `yield*` returns its value
  *[Symbol.iterator](): Generator<Err<never, E>, T, unknown> {
    return this.value;
  }
}

/** A failed Result. Captures no stack (the error may). */
export class Err<T, E> {
  /** Phantom field carrying `T` for inference; never set at run time. */
  declare readonly __valueType?: T;

  constructor(
    /** The error. */
    readonly error: E,
  ) {}

  /** False: narrows the other branch to `Err<T, E>`. */
  isOk(): this is Ok<T, E> {
    return false;
  }

  /** True: narrows to `Err<T, E>`. */
  isErr(): this is Err<T, E> {
    return true;
  }

  /** Transforms the value (nothing to do on Err: returns this). */
  map<U>(_fn: (value: T) => U): Result<U, E> {
    return this as unknown as Err<U, E>;
  }

  /** Transforms the error. */
  mapErr<F>(fn: (error: E) => F): Result<T, F> {
    return new Err(fn(this.error));
  }

  /** Chains a Result-returning step (skipped on Err: returns this). */
  andThen<U, F>(_fn: (value: T) => Result<U, F>): Result<U, E | F> {
    return this as unknown as Err<U, E | F>;
  }

  /** Alias of {@link Err.andThen}. */
  flatMap<U, F>(_fn: (value: T) => Result<U, F>): Result<U, E | F> {
    return this as unknown as Err<U, E | F>;
  }

  /** Recovers from the error with another Result. */
  orElse<U, F>(fn: (error: E) => Result<U, F>): Result<T | U, F> {
    return fn(this.error);
  }

  /** Folds both branches into one value. */
  match<A, B = A>(matcher: ResultMatcher<T, E, A, B>): A | B {
    return matcher.err(this.error);
  }

  /** Returns `fallback`. */
  unwrapOr<U>(fallback: U): T | U {
    return fallback;
  }

  /** Returns `fn(error)`. */
  unwrapOrElse<U>(fn: (error: E) => U): T | U {
    return fn(this.error);
  }

  /** Throws the error when it is an `Error`, otherwise a {@link ResultUnwrapError} with `cause`. */
  unwrapOrThrow(): T {
    if (this.error instanceof Error) throw this.error;
    throw new ResultUnwrapError(
      `Called unwrapOrThrow() on an Err: ${describeValue(this.error)}`,
      this.error,
    );
  }

  /** Throws a {@link ResultUnwrapError} with `message` and `cause` = the error. */
  expect(message: string): T {
    throw new ResultUnwrapError(message, this.error);
  }

  /** Observes the value (nothing to do on Err). */
  tap(_fn: (value: T) => unknown): this {
    return this;
  }

  /**
   * Observes the error. An observer that throws (or returns a promise that rejects) never
   * changes the result; the result does not wait for a returned promise.
   */
  tapErr(fn: (error: E) => unknown): this {
    observe(fn, this.error);
    return this;
  }

  /** `{ ok: false, error }` with an `Error` flattened to `{ name, code?, message, details? }`. */
  toJSON(): ResultJson<T, E> {
    return { ok: false, error: toErrorJson(this.error) as E };
  }

  /** Yields this Err, ending {@link Result.gen} with it. */
  *[Symbol.iterator](): Generator<Err<never, E>, T, unknown> {
    yield this as unknown as Err<never, E>;
    // Result.gen never resumes a generator after an Err; other consumers of the iterator
    // (Jest's toEqual, spread) just see one element.
    return undefined as T;
  }
}

function ignore(): void {}

/** Runs a tap/tapErr observer: its throw or rejection never reaches the caller. */
function observe<A>(fn: (arg: A) => unknown, arg: A): void {
  try {
    const out = fn(arg);
    // An async observer's rejection would otherwise be an unhandled rejection (a crash).
    if (
      typeof out === 'object' &&
      out !== null &&
      typeof (out as PromiseLike<unknown>).then === 'function'
    ) {
      (out as PromiseLike<unknown>).then(undefined, ignore);
    }
  } catch {
    // observers cannot change the outcome
  }
}

/** A short text for a value in an error message: never throws, at most 200 characters. */
function describeValue(value: unknown): string {
  let text: string;
  try {
    text =
      typeof value === 'string'
        ? value
        : (JSON.stringify(value) ?? String(value));
  } catch {
    try {
      text = String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Creates an `Ok`.
 * @example const r = ok(42); // Ok<number, never>
 */
export function ok(): Ok<void, never>;
export function ok<T>(value: T): Ok<T, never>;
export function ok<T>(value?: T): Ok<T | undefined, never> {
  return new Ok(value);
}

/**
 * Creates an `Err`.
 * @example const r = err(RfsError.notFound('order', '42')); // Err<never, RfsError>
 */
export function err<E>(error: E): Err<never, E> {
  return new Err(error);
}

/** True when `value` is an `Ok` or `Err` instance. */
export function isResult(value: unknown): value is Result<unknown, unknown> {
  return value instanceof Ok || value instanceof Err;
}

type AnyResult = Result<unknown, unknown>;
type OkTypes<R extends readonly AnyResult[]> = {
  -readonly [K in keyof R]: OkType<R[K]>;
};
type OkRecord<R extends Record<string, AnyResult>> = {
  -readonly [K in keyof R]: OkType<R[K]>;
};
type ErrUnion<R extends readonly AnyResult[] | Record<string, AnyResult>> =
  R extends readonly AnyResult[] ? ErrType<R[number]> : ErrType<R[keyof R]>;

function all<const R extends readonly AnyResult[]>(
  results: R,
): Result<OkTypes<R>, ErrUnion<R>>;
function all<const R extends Record<string, AnyResult>>(
  results: R,
): Result<OkRecord<R>, ErrUnion<R>>;
function all(
  results: readonly AnyResult[] | Record<string, AnyResult>,
): AnyResult {
  if (Array.isArray(results)) {
    const values: unknown[] = new Array(results.length);
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r.isErr()) return r;
      values[i] = r.value;
    }
    return new Ok(values);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(results)) {
    const r = (results as Record<string, AnyResult>)[key];
    if (r.isErr()) return r;
    out[key] = r.value;
  }
  return new Ok(out);
}

function allErrors<const R extends readonly AnyResult[]>(
  results: R,
): Result<OkTypes<R>, ErrUnion<R>[]>;
function allErrors<const R extends Record<string, AnyResult>>(
  results: R,
): Result<OkRecord<R>, ErrUnion<R>[]>;
function allErrors(
  results: readonly AnyResult[] | Record<string, AnyResult>,
): AnyResult {
  const errors: unknown[] = [];
  if (Array.isArray(results)) {
    const values: unknown[] = new Array(results.length);
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r.isErr()) errors.push(r.error);
      else values[i] = r.value;
    }
    return errors.length > 0 ? new Err(errors) : new Ok(values);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(results)) {
    const r = (results as Record<string, AnyResult>)[key];
    if (r.isErr()) errors.push(r.error);
    else out[key] = r.value;
  }
  return errors.length > 0 ? new Err(errors) : new Ok(out);
}

function fromThrowable<T>(fn: () => T): Result<T, unknown>;
function fromThrowable<T, E>(
  fn: () => T,
  mapErr: (cause: unknown) => E,
): Result<T, E>;
function fromThrowable<T, E>(
  fn: () => T,
  mapErr?: (cause: unknown) => E,
): Result<T, unknown> {
  let value: T;
  try {
    value = fn();
  } catch (cause) {
    return new Err(mapErr ? mapErr(cause) : cause);
  }
  return new Ok(value);
}

function fromNullable<T, E>(
  value: T,
  errorFactory: () => E,
): Result<NonNullable<T>, E> {
  return value === null || value === undefined
    ? new Err(errorFactory())
    : new Ok(value as NonNullable<T>);
}

function partition<T, E>(
  results: Iterable<Result<T, E>>,
): { oks: T[]; errs: E[] } {
  const oks: T[] = [];
  const errs: E[] = [];
  for (const r of results) {
    if (r.isOk()) oks.push(r.value);
    else errs.push(r.error);
  }
  return { oks, errs };
}

/** The error type carried by the Errs a `Result.gen` body yields. */
type YieldedError<Y> = Y extends Err<never, infer E> ? E : never;

function gen<T, Y extends Err<never, unknown>>(
  body: () => Generator<Y, T, unknown>,
): Result<T, YieldedError<Y>> {
  const it = body();
  const step = it.next();
  if (step.done) return new Ok(step.value);
  // The first yielded value is an Err: stop there and let the generator run its `finally`.
  it.return(undefined as never);
  if (!(step.value instanceof Err)) {
    throw new TypeError(
      'Result.gen: the body yielded a value that is not a Result; use `yield* result` (with the star), not `yield result`',
    );
  }
  return step.value as unknown as Err<T, YieldedError<Y>>;
}

function fromJSON<T = unknown, E = unknown>(json: unknown): Result<T, E> {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch {
      throw new TypeError('Result.fromJSON: the string is not valid JSON');
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TypeError(
      'Result.fromJSON: expected an object { ok: true, value } or { ok: false, error }',
    );
  }
  const o = json as Record<string, unknown>;
  if (o.ok === true) {
    // JSON.stringify drops `value: undefined`, so `{ ok: true }` is the JSON of `ok()`.
    return new Ok(o.value as T);
  }
  if (o.ok === false) {
    if (!('error' in o))
      throw new TypeError(
        'Result.fromJSON: { ok: false } needs an "error" field (an Err always carries its error)',
      );
    return new Err(o.error as E);
  }
  throw new TypeError(
    `Result.fromJSON: field "ok" must be true or false, got ${typeof o.ok === 'string' ? JSON.stringify(o.ok) : describeValue(o.ok)}`,
  );
}

/**
 * Constructors and combinators of {@link Result}.
 *
 * @example
 * ```ts
 * const both = Result.all([ok(1), ok('a')]); // Result<[number, string], never>
 * const total = Result.gen(function* () {
 *   const a = yield* parse(x); // Err short-circuits
 *   const b = yield* parse(y);
 *   return a + b;
 * });
 * ```
 */
export const Result = {
  /** Creates an `Ok`. */
  ok,
  /** Creates an `Err`. */
  err,
  /** True for `Ok`/`Err` instances. */
  isResult,
  /** Runs `fn` now: its return value becomes Ok, its throw becomes Err (mapped by `mapErr`). */
  fromThrowable,
  /** Ok of a non-null value, or Err of `errorFactory()` for `null`/`undefined`. */
  fromNullable,
  /** Ok of every value (typed per position or key) or the first Err. */
  all,
  /** Ok of every value, or Err of every error (in input order). */
  allErrors,
  /** Splits results into their values and errors. */
  partition,
  /** Do-notation: `yield*` a Result to unwrap it; the first Err ends the block. */
  gen,
  /**
   * Parses `{ ok: true, value } | { ok: false, error }` (object or JSON string); throws a
   * TypeError naming the problem on malformed input. Errors stay in their JSON form.
   */
  fromJSON,
} as const;
