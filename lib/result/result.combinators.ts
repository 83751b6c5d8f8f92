import type { Result } from './result';
import type { ErrType, OkType } from './result.types';
import { Err, Ok } from './result.branches';

// `Result.all` / `Result.allErrors` / `Result.partition`: many Results into one.

type AnyResult = Result<unknown, unknown>;
type OkTypes<R extends readonly AnyResult[]> = {
  -readonly [K in keyof R]: OkType<R[K]>;
};
type OkRecord<R extends Record<string, AnyResult>> = {
  -readonly [K in keyof R]: OkType<R[K]>;
};
type ErrUnion<R extends readonly AnyResult[] | Record<string, AnyResult>> =
  R extends readonly AnyResult[] ? ErrType<R[number]> : ErrType<R[keyof R]>;

/** `Result.all`: Ok of every value (typed per position or key) or the first Err. */
export function all<const R extends readonly AnyResult[]>(
  results: R,
): Result<OkTypes<R>, ErrUnion<R>>;
export function all<const R extends Record<string, AnyResult>>(
  results: R,
): Result<OkRecord<R>, ErrUnion<R>>;
export function all(
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

/** `Result.allErrors`: Ok of every value, or Err of every error (in input order). */
export function allErrors<const R extends readonly AnyResult[]>(
  results: R,
): Result<OkTypes<R>, ErrUnion<R>[]>;
export function allErrors<const R extends Record<string, AnyResult>>(
  results: R,
): Result<OkRecord<R>, ErrUnion<R>[]>;
export function allErrors(
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

/** `Result.partition`: splits results into their values and errors. */
export function partition<T, E>(
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
