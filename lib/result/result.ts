import * as branches from './result.branches';
import { fromJSON, fromNullable, fromThrowable } from './result.constructors';
import { all, allErrors, partition } from './result.combinators';
import { gen } from './result.gen';

// The Result entry point: the `Result` type and the `Result` statics object (one name, both
// meanings). The parts live beside it, by concept: result.branches (Ok/Err, ok/err, isResult),
// result.constructors (fromThrowable/fromNullable/fromJSON), result.combinators (all/allErrors/
// partition), result.gen (do-notation), result.types (OkType/ErrType/ResultMatcher). Other
// modules import from here; the parts never import this file at run time (no cycle).
//
// The branches are re-exported as aliases (`export import`), not `export { … } from`: compiled
// to CommonJS, an alias is a binding of this module (a data property with tsc, one getter with
// swc) where a re-export adds a getter per hop, and that extra hop on `ok`/`Ok`/… (the hottest
// calls of the library) made a 5-step chain several times slower.
export import Ok = branches.Ok;
export import Err = branches.Err;
export import ok = branches.ok;
export import err = branches.err;
export import isResult = branches.isResult;
export type { ErrType, OkType, ResultMatcher } from './result.types';

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
