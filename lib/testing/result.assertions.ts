import { isResult, type Err, type Ok, type Result } from '../result/result';
import {
  RfsAssertionError,
  deepEqual,
  diff,
  failureMessage,
  isPlainObject,
  matchesPartial,
  projectOnto,
  show,
} from './rfs-assertion.error';

/** A class (or a primitive wrapper such as `String`, `Number`) used to check a value's type. */
export type ValueType<U> = abstract new (...args: never[]) => U;

/**
 * What {@link assertResultError} compares an error with: an error code (`'NOT_FOUND'`), a partial
 * object (`{ code: 'NOT_FOUND', details: { id: '42' } }`) or a whole error.
 */
export type ExpectedError<E> = string | Partial<E> | E;

/**
 * Asserts that `result` is an `Ok` (and, with `type`, that its value is an instance of it) and
 * narrows it, so `result.value` is typed afterwards. On failure the message shows the Err's error.
 *
 * @example
 * ```ts
 * const r = service.find('42');
 * assertResultSuccess(r);
 * expect(r.value.id).toBe('42'); // r is Ok here
 * ```
 */
export function assertResultSuccess<T, E>(
  result: Result<T, E>,
): asserts result is Ok<T, E>;
export function assertResultSuccess<T, E, U extends T>(
  result: Result<T, E>,
  type: ValueType<U>,
): asserts result is Ok<U, E>;
export function assertResultSuccess<T, E>(
  result: Result<T, E>,
  type?: ValueType<unknown>,
): asserts result is Ok<T, E> {
  requireResult(result, 'assertResultSuccess');
  if (result.isErr()) {
    throw new RfsAssertionError(
      failureMessage('Expected an Ok result, but got an Err.', [
        ['Error', show(result.error)],
      ]),
      result,
    );
  }
  if (type !== undefined && !isOfType(result.value, type)) {
    throw new RfsAssertionError(
      failureMessage(
        `Expected the Ok value to be of type ${type.name}, but it is of type ${typeName(result.value)}.`,
        [['Value', show(result.value)]],
      ),
      result.value,
      type,
    );
  }
}

/**
 * Asserts that `result` is an `Err` (and, with `errorType`, that its error is an instance of it)
 * and narrows it, so `result.error` is typed afterwards. On failure the message shows the value.
 *
 * @example
 * ```ts
 * const r = service.find('missing');
 * assertResultFailure(r, RfsError);
 * expect(r.error.code).toBe('NOT_FOUND');
 * ```
 */
export function assertResultFailure<T, E>(
  result: Result<T, E>,
): asserts result is Err<T, E>;
export function assertResultFailure<T, E, F extends E>(
  result: Result<T, E>,
  errorType: ValueType<F>,
): asserts result is Err<T, F>;
export function assertResultFailure<T, E>(
  result: Result<T, E>,
  errorType?: ValueType<unknown>,
): asserts result is Err<T, E> {
  requireResult(result, 'assertResultFailure');
  if (result.isOk()) {
    throw new RfsAssertionError(
      failureMessage('Expected an Err result, but got an Ok.', [
        ['Value', show(result.value)],
      ]),
      result,
    );
  }
  if (errorType !== undefined && !isOfType(result.error, errorType)) {
    throw new RfsAssertionError(
      failureMessage(
        `Expected the error to be of type ${errorType.name}, but it is of type ${typeName(result.error)}.`,
        [['Error', show(result.error)]],
      ),
      result.error,
      errorType,
    );
  }
}

/**
 * Asserts that `result` is an `Ok` whose value deeply and strictly equals `expected`
 * (`assert.deepStrictEqual` semantics: prototypes count). On failure: the value and a diff.
 *
 * @example
 * ```ts
 * assertResultValue(Result.ok(2).map((n) => n * 21), 42);
 * ```
 */
export function assertResultValue<T, E>(
  result: Result<T, E>,
  expected: T,
): asserts result is Ok<T, E> {
  assertResultSuccess(result);
  if (!deepEqual(result.value, expected)) {
    throw new RfsAssertionError(
      failureMessage('Expected the Ok value to equal the expected value.', [
        ['Value', show(result.value)],
        ['Difference (- expected, + actual)', diff(result.value, expected)],
      ]),
      result.value,
      expected,
    );
  }
}

/**
 * Asserts that `result` is an `Err` whose error matches `expected`:
 * - a string is an error code, compared with `error.code` (or with the error itself when the
 *   error is a string);
 * - a plain object is a partial: only its keys are compared (recursively);
 * - an `Error` matches an error of the same class with the same `message` (and `code`, if any);
 * - anything else is compared with strict deep equality.
 *
 * On failure the message shows the error and a diff.
 *
 * @example
 * ```ts
 * assertResultError(r, 'NOT_FOUND');
 * assertResultError(r, { code: 'NOT_FOUND', details: { id: '42' } });
 * ```
 */
export function assertResultError<T, E>(
  result: Result<T, E>,
  expected: ExpectedError<E>,
): asserts result is Err<T, E> {
  assertResultFailure(result);
  const error: unknown = result.error;
  if (errorMatches(error, expected)) return;
  if (typeof expected === 'string' && typeof error !== 'string') {
    const code = errorCodeOf(error);
    throw new RfsAssertionError(
      failureMessage(
        `Expected the error code to be ${show(expected)}, but it is ${
          code === undefined ? 'missing' : show(code)
        }.`,
        [['Error', show(error)]],
      ),
      error,
      expected,
    );
  }
  const [left, right] = comparable(error, expected);
  throw new RfsAssertionError(
    failureMessage('Expected the error to match the expected error.', [
      ['Error', show(error)],
      ['Difference (- expected, + actual)', diff(left, right)],
    ]),
    error,
    expected,
  );
}

/** The `code` of an error-like value, if it has a string one. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The matching rule of {@link assertResultError} (shared with the Jest matchers). */
export function errorMatches(error: unknown, expected: unknown): boolean {
  if (typeof expected === 'string') {
    return typeof error === 'string'
      ? error === expected
      : errorCodeOf(error) === expected;
  }
  if (expected instanceof Error) {
    if (error === expected) return true;
    return (
      error instanceof Error &&
      error.constructor === expected.constructor &&
      error.message === expected.message &&
      errorCodeOf(error) === errorCodeOf(expected)
    );
  }
  return matchesPartial(error, expected);
}

/** The two sides of a readable diff for an error comparison. */
export function comparable(
  error: unknown,
  expected: unknown,
): [unknown, unknown] {
  if (expected instanceof Error) {
    const pick = (e: unknown) =>
      e instanceof Error
        ? {
            class: e.constructor.name,
            message: e.message,
            code: errorCodeOf(e),
          }
        : e;
    return [pick(error), pick(expected)];
  }
  if (isPlainObject(expected)) return [projectOnto(error, expected), expected];
  return [error, expected];
}

/** Throws a clear error when a value that must be a Result is something else. */
export function requireResult(
  value: unknown,
  assertion: string,
): asserts value is Result<unknown, unknown> {
  if (!isResult(value)) {
    throw new RfsAssertionError(
      failureMessage(
        `${assertion}: expected a Result (Ok or Err), but received a value of type ${typeName(value)}.`,
        [['Received', show(value)]],
      ),
      value,
    );
  }
}

const PRIMITIVE_WRAPPERS = new Map<unknown, string>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
  [BigInt, 'bigint'],
  [Symbol, 'symbol'],
]);

function isOfType(value: unknown, type: ValueType<unknown>): boolean {
  const primitive = PRIMITIVE_WRAPPERS.get(type);
  if (primitive !== undefined && typeof value === primitive) return true;
  return value instanceof type;
}

/** `string`, `RfsError`, `null`, … for messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object' && typeof value !== 'function') {
    return typeof value;
  }
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name ? ctor.name : 'object';
}
