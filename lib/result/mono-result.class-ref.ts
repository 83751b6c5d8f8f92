// Internal (not exported from the package): the MonoResult class as its own parts see it.
// mono-result.ts registers the class here once, when it loads; the run loop, the statics and
// the combinators build and recognise monos through this leaf module instead of importing
// mono-result.ts back (no import cycles). Only types are imported, so this module loads first.
import type { MonoResult } from './mono-result';
import type { RunContext } from './mono-result.run-context';
import type { MetaPair, StepMeta } from './mono-result.run-loop';

type StepFn = (x: never, ctx: RunContext) => unknown;
type AnyMono = MonoResult<unknown, unknown>;

/** The class as registered: recognised with `instanceof`, its prototype shared by every mono. */
type MonoResultClass = abstract new (...args: never[]) => AnyMono;

// A module-level binding read directly (no export getter) on every use: `isMonoResult` sits on
// the flatMap path of the run loop.
let monoResultClass: MonoResultClass | undefined;

/** The fields of a mono (the class `declare`s them), in the order they are assigned. */
interface MonoFields {
  fn: StepFn;
  meta: StepMeta;
  prev: AnyMono | undefined;
  depth: number;
}

/**
 * Builds every mono the library creates: a plain constructor function whose `prototype` is
 * `MonoResult.prototype` (set by `registerMonoResultClass`), so its objects are MonoResults
 * (`instanceof`, every method, the class name in inspection) with the class's own fields.
 * Why not `new MonoResult(…)`: a derived class constructor (`super()` + four fields) is ~90
 * bytes of bytecode, over TurboFan's always-inline limit for small functions (27 bytes), so
 * in a handler that builds and runs a chain the inlining budget went to the run path first and
 * each of the chain's steps was built through V8's generic construct stub (~15 ns a step).
 * This one is 26 bytes: it is inlined wherever a chain is built.
 */
const MonoNode = function MonoResult(
  this: MonoFields,
  prev: AnyMono | undefined,
  fn: StepFn,
  meta: StepMeta,
  depth: number,
): void {
  this.fn = fn;
  this.meta = meta;
  this.prev = prev;
  this.depth = depth;
} as unknown as new (
  prev: AnyMono | undefined,
  fn: StepFn,
  meta: StepMeta,
  depth: number,
) => AnyMono;

/**
 * Called once by mono-result.ts right after the class is defined (before any mono exists).
 * @internal
 */
export function registerMonoResultClass(cls: MonoResultClass): void {
  monoResultClass = cls;
  (MonoNode as unknown as { prototype: object }).prototype = cls.prototype;
}

/**
 * True when `value` is a MonoResult (same as `value instanceof MonoResult`).
 * @internal
 */
export function isMonoResult(value: unknown): value is AnyMono {
  return monoResultClass !== undefined && value instanceof monoResultClass;
}

/**
 * A mono whose last step is `fn` (after the chain `prev`, if any).
 * @internal
 */
export function newMonoResult<T, E>(
  prev: AnyMono | undefined,
  fn: StepFn,
  meta: StepMeta,
): MonoResult<T, E> {
  return new MonoNode(
    prev,
    fn,
    meta,
    prev === undefined ? 1 : prev.depth + 1,
  ) as MonoResult<T, E>;
}

/**
 * `prev` plus the step `fn` (an operator's step): its meta is the pair's timed one when `prev`'s
 * chain has log methods.
 * @internal
 */
export function nextMono<T, E>(
  prev: AnyMono,
  fn: StepFn,
  metas: MetaPair,
): MonoResult<T, E> {
  return new MonoNode(
    prev,
    fn,
    metas[prev.meta.timed ? 1 : 0],
    prev.depth + 1,
  ) as MonoResult<T, E>;
}
