import type { Result } from './result';
import { Err, Ok, describeValue } from './result.branches';

// `Result.fromThrowable` / `Result.fromNullable` / `Result.fromJSON`: a Result from a throwing
// call, a nullable value or its JSON form.

/** `Result.fromThrowable`: runs `fn` now; its return value becomes Ok, its throw becomes Err. */
export function fromThrowable<T>(fn: () => T): Result<T, unknown>;
export function fromThrowable<T, E>(
  fn: () => T,
  mapErr: (cause: unknown) => E,
): Result<T, E>;
export function fromThrowable<T, E>(
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

/** `Result.fromNullable`: Ok of a non-null value, or Err of `errorFactory()` for `null`/`undefined`. */
export function fromNullable<T, E>(
  value: T,
  errorFactory: () => E,
): Result<NonNullable<T>, E> {
  return value === null || value === undefined
    ? new Err(errorFactory())
    : new Ok(value as NonNullable<T>);
}

/** `Result.fromJSON`: parses `{ ok: true, value } | { ok: false, error }` (object or JSON text). */
export function fromJSON<T = unknown, E = unknown>(
  json: unknown,
): Result<T, E> {
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
