// Internal (not exported from the package): the MonoResult class as its own parts see it.
// mono-result.ts registers the class here once, when it loads; the run loop, the statics and
// the combinators build and recognise monos through this leaf module instead of importing
// mono-result.ts back (no import cycles). Only types are imported, so this module loads first.
import type { MonoResult } from './mono-result';
import type { RunContext } from './mono-result.run-context';
import type { StepMeta } from './mono-result.run-loop';

/** The constructor every mono is built with (`new MonoResult(prev, fn, meta)`). */
type MonoResultClass = new (
  prev: MonoResult<unknown, unknown> | undefined,
  fn: (x: never, ctx: RunContext) => unknown,
  meta: StepMeta,
) => MonoResult<unknown, unknown>;

// A module-level binding read directly (no export getter) on every use: `isMonoResult` sits on
// the flatMap path of the run loop.
let monoResultClass: MonoResultClass | undefined;

/**
 * Called once by mono-result.ts right after the class is defined (before any mono exists).
 * @internal
 */
export function registerMonoResultClass(cls: MonoResultClass): void {
  monoResultClass = cls;
}

/**
 * True when `value` is a MonoResult (same as `value instanceof MonoResult`).
 * @internal
 */
export function isMonoResult(
  value: unknown,
): value is MonoResult<unknown, unknown> {
  return monoResultClass !== undefined && value instanceof monoResultClass;
}

/**
 * `new MonoResult(prev, fn, meta)`: a mono whose last step is `fn`.
 * @internal
 */
export function newMonoResult<T, E>(
  prev: MonoResult<unknown, unknown> | undefined,
  fn: (x: never, ctx: RunContext) => unknown,
  meta: StepMeta,
): MonoResult<T, E> {
  return new monoResultClass!(prev, fn, meta) as MonoResult<T, E>;
}
