// Internal (not exported from the package): the run context, the step nodes and the run loop
// every MonoResult runs on (hot path: keep allocations and shapes as they are).
import * as results from './result';
import type { Result } from './result';
import type { OperationOutcome } from './outcome';
import type { MonoResult } from './mono-result';
import * as classRef from './mono-result.class-ref';
import * as runContext from './mono-result.run-context';
import type { RunContext } from './mono-result.run-context';
import { describe } from './mono-result.options';
import { NEVER_ABORTED } from './mono-result.ambient-signal';

// Bound once: CommonJS output reads an imported binding through an export getter (two, across a
// re-export) on every use, and these are used on every step of every run.
export const Ok = results.Ok;
export const Err = results.Err;
export const isResult = results.isResult;
const { callThunk, FREE_RUN, newContext, startTiming } = runContext;
const { isMonoResult, newMonoResult } = classRef;

export {
  callThunk,
  FREE_RUN,
  lazyContext,
  newContext,
  now,
  RunContext,
  type RunTiming,
  timingOf,
} from './mono-result.run-context';

/** What a source produces: a Result right away, or later. */
export type Step<T, E> = Result<T, E> | Promise<Result<T, E>>;
/** The body of a MonoResult: called once per run. */
export type Source<T, E> = (ctx: RunContext) => Step<T, E>;

export type AnyResult = Result<unknown, unknown>;

/** Step kinds the run loop executes inline (no closure per step). */
export const KIND_CUSTOM = 0; // fn(previous Result, ctx)
export const KIND_MAP = 1; // fn(value) on Ok
export const KIND_FLAT_MAP = 2; // fn(value) on Ok → Result | MonoResult | Promise
export const KIND_THUNK = 3; // fn(signal) → Result | Promise of a Result (fromAsync)

/** What kind of step a node is; shared by every node of the same kind (see `metaFor`). */
export interface StepMeta {
  readonly kind: number;
  /** True when the chain up to this step holds log methods (runs then read the clock). */
  readonly timed: boolean;
  /** Set when the promise the step returns comes from user code: its value is checked. */
  readonly where: string | undefined;
  /** `fromPromise`: the promise holds a plain value (→ Ok) and rejections are mapped. */
  readonly raw: boolean;
  /** Maps a rejection of the promise the step returns to an error (→ Err), not a defect. */
  readonly mapReject: ((cause: unknown) => unknown) | undefined;
}

/**
 * One step of a chain (every MonoResult is one: the last step, linked to the previous ones).
 * A step returns a Result, or a native Promise that the run loop awaits.
 */
export interface StepNode {
  readonly fn: (x: never, ctx: RunContext) => unknown;
  readonly meta: StepMeta;
}

export const FLAT_MAP_WHERE = 'MonoResult.flatMap callback';

export function newMeta(
  kind: number,
  timed: boolean,
  where: string | undefined,
  raw = false,
  mapReject: ((cause: unknown) => unknown) | undefined = undefined,
): StepMeta {
  return { kind, timed, where, raw, mapReject };
}

/** A step kind's metas, `[untimed, timed]`: shared by all its steps (none allocated per step). */
export type MetaPair = readonly [StepMeta, StepMeta];

export function metaPair(kind: number, where?: string): MetaPair {
  return [newMeta(kind, false, where), newMeta(kind, true, where)];
}

export const CUSTOM_METAS = metaPair(KIND_CUSTOM);
export const MAP_METAS = metaPair(KIND_MAP);
export const FLAT_MAP_METAS = metaPair(KIND_FLAT_MAP, FLAT_MAP_WHERE);
/** Meta of constant sources (`ok`, `err`, `fromResult`). */
export const SOURCE_META = CUSTOM_METAS[0];
export const FROM_ASYNC_WHERE = 'MonoResult.fromAsync thunk';
export const FROM_ASYNC_META = newMeta(KIND_THUNK, false, FROM_ASYNC_WHERE);
export const ORELSE_WHERE = 'MonoResult.orElse callback';
export const ORELSE_METAS = metaPair(KIND_CUSTOM, ORELSE_WHERE);
export const DEFER_WHERE = 'MonoResult.defer factory';
export const DEFER_META = newMeta(KIND_CUSTOM, false, DEFER_WHERE);

/** Runs one step on the previous Result. */
function exec(node: StepNode, r: AnyResult, ctx: RunContext): unknown {
  switch (node.meta.kind) {
    case KIND_MAP:
      return r.isOk()
        ? new Ok((node.fn as (v: unknown) => unknown)(r.value))
        : r;
    case KIND_FLAT_MAP:
      if (r.isErr()) return r;
      if (ctx !== FREE_RUN && ctx.aborted) throw ctx.reason;
      return toStep(
        (node.fn as (v: unknown) => ResultSource<unknown, unknown>)(r.value),
        ctx,
        FLAT_MAP_WHERE,
      );
    case KIND_THUNK:
      return runThunk(node, ctx);
    default:
      return (node.fn as (r: AnyResult, ctx: RunContext) => unknown)(r, ctx);
  }
}

/**
 * The `fromAsync` step: a sync throw is mapped by `mapReject` when given, else a defect. A thunk
 * declared without parameters does not make a lazy run create its signal.
 */
function runThunk(node: StepNode, ctx: RunContext): unknown {
  // (reading `aborted` costs a getter call; the free-run signal never aborts)
  if (ctx !== FREE_RUN && ctx.aborted) throw ctx.reason;
  const fn = node.fn as (signal: AbortSignal) => unknown;
  let out: unknown;
  try {
    out = callThunk(fn, ctx);
  } catch (cause) {
    const mapReject = node.meta.mapReject;
    if (mapReject === undefined) throw cause;
    return new Err(mapReject(cause));
  }
  if (out instanceof Promise) return out;
  return isThenable(out)
    ? Promise.resolve(out)
    : checkResult(out, node.meta.where!);
}

/** Anything `flatMap`/`orElse`/`defer` accept as "the next Result". */
export type ResultSource<T, E> =
  Result<T, E> | MonoResult<T, E> | PromiseLike<Result<T, E>>;

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

export function checkResult<T, E>(value: unknown, where: string): Result<T, E> {
  if (isResult(value)) return value as Result<T, E>;
  throw new TypeError(
    `${where} must return a Result (ok()/err()), a MonoResult or a Promise of a Result; got ${describe(value)}`,
  );
}

/**
 * Runs a mono within a run: the steps run synchronously while they return Results; at the
 * first promise the rest continues in {@link continueAsync}.
 */
export function runMono<T, E>(
  m: MonoResult<T, E>,
  ctx: RunContext,
): Step<T, E> {
  if (m.meta.timed && ctx.timing === undefined) {
    // the shared context of signal-less runs is never written to
    if (ctx === FREE_RUN) ctx = newContext(NEVER_ABORTED);
    ctx.timing = startTiming();
  }
  const n = m.depth;
  // Short chains (the usual) find their steps by walking back from the tip: a few pointer
  // reads are cheaper than a list allocated per run. Long ones list them once per run.
  const nodes = n > WALK_MAX ? stepsOf(m) : undefined;
  let r: unknown = undefined;
  for (let i = 0; i < n; i++) {
    const node = nodes === undefined ? nodeAt(m, n, i) : nodes[i];
    const out = exec(node, r as AnyResult, ctx);
    if (out instanceof Promise) {
      return continueAsync(out, m, nodes, i, ctx) as Promise<Result<T, E>>;
    }
    r = out;
  }
  return r as Result<T, E>;
}

/** Chains up to this many steps are walked, not listed (see `runMono`). */
const WALK_MAX = 8;

/** Step `i` (0 = the source) of the chain ending at `m`, whose depth is `n`. */
function nodeAt(
  m: MonoResult<unknown, unknown>,
  n: number,
  i: number,
): MonoResult<unknown, unknown> {
  let x = m;
  for (let k = n - 1; k > i; k--) x = x.prev!;
  return x;
}

/** Lists a chain's steps from its source. */
function stepsOf(m: MonoResult<unknown, unknown>): readonly StepNode[] {
  let n = m.depth;
  const steps = new Array<StepNode>(n);
  for (let x: MonoResult<unknown, unknown> | undefined = m; x; x = x.prev) {
    steps[--n] = x;
  }
  return steps;
}

/**
 * The asynchronous rest of a run: one `await` per step that returned a promise (V8's fast
 * await path: no closure or extra promise per step), the synchronous steps in between.
 */
async function continueAsync(
  pending: Promise<unknown>,
  m: MonoResult<unknown, unknown>,
  nodes: readonly StepNode[] | undefined,
  i: number,
  ctx: RunContext,
): Promise<AnyResult> {
  const n = m.depth;
  let out: unknown = pending;
  let r: AnyResult;
  let node: StepNode = nodes === undefined ? nodeAt(m, n, i) : nodes[i];
  for (;;) {
    const meta = node.meta;
    if (!(out instanceof Promise)) {
      r = out as AnyResult;
    } else if (meta.mapReject === undefined) {
      const v = await out;
      r = meta.raw
        ? new Ok(v)
        : meta.where === undefined
          ? (v as AnyResult)
          : checkResult(v, meta.where);
    } else {
      let v: unknown;
      let rejected = false;
      try {
        v = await out;
      } catch (cause) {
        if (ctx.aborted) throw ctx.reason;
        rejected = true;
        v = meta.mapReject(cause);
      }
      r = rejected
        ? new Err(v)
        : meta.raw
          ? new Ok(v)
          : checkResult(v, meta.where ?? 'MonoResult thunk');
    }
    if (++i === n) return r;
    node = nodes === undefined ? nodeAt(m, n, i) : nodes[i];
    out = exec(node, r, ctx);
  }
}

/** Turns what a callback returned into a step of the current run. */
export function toStep<T, E>(
  value: ResultSource<T, E>,
  ctx: RunContext,
  where: string,
): Step<T, E> | Promise<unknown> {
  // most frequent first: an async callback's promise, then a Result
  if (value instanceof Promise) return value;
  if (isResult(value)) return value as Result<T, E>;
  if (isMonoResult(value)) return runMono(value as MonoResult<T, E>, ctx);
  if (isThenable(value)) return Promise.resolve(value);
  return checkResult<T, E>(value, where);
}

/** A mono whose single step is `source` (`MonoResult.fromSource`). */
export function monoOf<T, E>(
  source: Source<T, E>,
  timed: boolean,
): MonoResult<T, E> {
  return newMonoResult<T, E>(
    undefined,
    (_r: unknown, ctx: RunContext) => source(ctx),
    CUSTOM_METAS[timed ? 1 : 0],
  );
}

/** A Source that runs `m` (for operators that wrap the whole upstream). */
export function sourceOf<T, E>(m: MonoResult<T, E>): Source<T, E> {
  return (ctx) => runMono(m, ctx);
}

/** True when `error` is the run's own abort (a cancellation, not a failure to log). */
export function isAbort(ctx: RunContext, error: unknown): boolean {
  return ctx.aborted && error === ctx.reason;
}

export function outcomeOf(r: Result<unknown, unknown>): OperationOutcome {
  return r.isOk() ? 'ok' : 'err';
}
