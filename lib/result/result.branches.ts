import type { Result } from './result';
import type { ResultMatcher } from './result.types';
import { ResultUnwrapError } from './result-unwrap.error';
import { toErrorJson, type ResultJson } from './result-json';

// The two branches of a Result (`Ok`, `Err`), their constructors and the `isResult` guard.
// Everything else about Results (statics, combinators) builds on this file, which imports no
// other Result module at run time, so the module graph has no cycle.

/** A successful Result. */
export class Ok<T, E = never> {
  /** Phantom field carrying `E` for inference; never set at run time. */
  declare readonly __errorType?: E;
  /** The value. */
  declare readonly value: T;

  // `declare` + assignment, not a parameter property: the compiled output (ES2022 class fields)
  // would define the field first (define semantics, several times slower on V8 11), and every
  // `ok(…)` and every async step that resolves a Result builds one of these.
  constructor(value: T) {
    (this as { value: T }).value = value;
  }

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
  /** The error. */
  declare readonly error: E;

  // (assigned, not a parameter property: see Ok)
  constructor(error: E) {
    (this as { error: E }).error = error;
  }

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
export function describeValue(value: unknown): string {
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
