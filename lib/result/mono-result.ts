import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { Observable } from 'rxjs';
import { Err, Ok, isResult, type Result } from './result';
import { RfsError } from './rfs.error';
import {
  emitResultLog,
  type ResultLogLevel,
  type ResultLogRecord,
} from './result-log-sink';
import type { OperationOutcome } from './outcome';

/** Time marks of one run, shared by every step of that run (see `logStep`). */
interface RunTiming {
  /** `performance.now()` when the run (or its first logged mono) started. */
  readonly start: number;
  /** When the previous logged step ended (or `start`). */
  mark: number;
}

/** State of one run: the cancellation signal and the timing marks. */
interface RunContext {
  readonly signal: AbortSignal;
  /**
   * Set when a mono with log methods starts running: reading the clock costs more than a
   * whole synchronous chain, so runs without logging never do.
   */
  timing: RunTiming | undefined;
}

/** What a source produces: a Result right away, or later. */
type Step<T, E> = Result<T, E> | Promise<Result<T, E>>;
/** The body of a MonoResult: called once per run. */
type Source<T, E> = (ctx: RunContext) => Step<T, E>;

type AnyResult = Result<unknown, unknown>;

/** Step kinds the run loop executes inline (no closure per step). */
const KIND_CUSTOM = 0; // fn(previous Result, ctx)
const KIND_MAP = 1; // fn(value) on Ok
const KIND_FLAT_MAP = 2; // fn(value) on Ok → Result | MonoResult | Promise
const KIND_THUNK = 3; // fn(signal) → Result | Promise of a Result (fromAsync)

/** What kind of step a node is; shared by every node of the same kind (see `metaFor`). */
interface StepMeta {
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
interface StepNode {
  readonly fn: (x: never, ctx: RunContext) => unknown;
  readonly meta: StepMeta;
}

const FLAT_MAP_WHERE = 'MonoResult.flatMap callback';

function newMeta(
  kind: number,
  timed: boolean,
  where: string | undefined,
  raw = false,
  mapReject: ((cause: unknown) => unknown) | undefined = undefined,
): StepMeta {
  return { kind, timed, where, raw, mapReject };
}

/** Shared metas of the common steps, by kind then `timed` (a chain allocates one per step). */
const SHARED_META: readonly (readonly [StepMeta, StepMeta])[] = [
  [
    newMeta(KIND_CUSTOM, false, undefined),
    newMeta(KIND_CUSTOM, true, undefined),
  ],
  [newMeta(KIND_MAP, false, undefined), newMeta(KIND_MAP, true, undefined)],
  [
    newMeta(KIND_FLAT_MAP, false, FLAT_MAP_WHERE),
    newMeta(KIND_FLAT_MAP, true, FLAT_MAP_WHERE),
  ],
];

/** Meta of constant sources (`ok`, `err`, `fromResult`). */
const SOURCE_META = SHARED_META[KIND_CUSTOM][0];
const FROM_ASYNC_WHERE = 'MonoResult.fromAsync thunk';
const FROM_ASYNC_META = newMeta(KIND_THUNK, false, FROM_ASYNC_WHERE);

function metaFor(
  kind: number,
  timed: boolean,
  where: string | undefined,
  raw: boolean,
  mapReject: ((cause: unknown) => unknown) | undefined,
): StepMeta {
  if (kind < SHARED_META.length && !raw && mapReject === undefined) {
    const shared = SHARED_META[kind][timed ? 1 : 0];
    if (shared.where === where) return shared;
  }
  return newMeta(kind, timed, where, raw, mapReject);
}

/** Runs one step on the previous Result. */
function exec(node: StepNode, r: AnyResult, ctx: RunContext): unknown {
  switch (node.meta.kind) {
    case KIND_MAP:
      return r.isOk()
        ? new Ok((node.fn as (v: unknown) => unknown)(r.value))
        : r;
    case KIND_FLAT_MAP:
      if (r.isErr()) return r;
      if (ctx !== FREE_RUN && ctx.signal.aborted) throw ctx.signal.reason;
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

/** The `fromAsync` step: a sync throw is mapped by `mapReject` when given, else a defect. */
function runThunk(node: StepNode, ctx: RunContext): unknown {
  const signal = ctx.signal;
  // (reading `aborted` costs a getter call; the free-run signal never aborts)
  if (ctx !== FREE_RUN && signal.aborted) throw signal.reason;
  let out: unknown;
  try {
    out = (node.fn as (signal: AbortSignal) => unknown)(signal);
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

/** A signal that never aborts: runs without a caller signal share it. */
const NEVER_ABORTED: AbortSignal = new AbortController().signal;
// Every concurrent signal-less run with a timeout/retry/all step listens on this one signal (and
// removes its listener when it settles): many at once is normal, not a leak, so no warning.
setMaxListeners(0, NEVER_ABORTED);

/**
 * An `AbortSignal`, or a function that returns one, called when a run first needs it (so a
 * context that never runs a MonoResult creates no `AbortController`).
 */
export type AbortSignalSource = AbortSignal | (() => AbortSignal);

/**
 * The ambient signal of {@link runWithAbortSignal}. Only signal-less runs read it (one
 * `getStore()`); until the first `runWithAbortSignal` it is not even enabled, so plain scripts
 * pay nothing for it.
 */
const ambientSignals = new AsyncLocalStorage<AbortSignalSource | undefined>();

/**
 * Runs `fn` so that every MonoResult run without an explicit signal inside it — `mono.run()`,
 * `await mono`, and a MonoResult adopted as a thenable by `async` code (Nest awaits one that a
 * route handler returns) — uses the signal `signal` gives, in `fn`'s synchronous part and in
 * every async continuation started there. An explicit `run(signal)` still uses its own signal.
 * Await inside `fn`: a MonoResult that `fn` returns and its caller awaits runs in the caller's
 * context.
 * ResultInterceptor runs each route handler this way with a signal that aborts when the client
 * disconnects.
 *
 * @param signal the signal, or a function returning it (called once per run that needs it;
 *   return the same signal each time, e.g. one created on first call)
 * @example
 * ```ts
 * // a queue consumer: every MonoResult the job awaits stops when the job is cancelled
 * const ac = new AbortController();
 * await runWithAbortSignal(ac.signal, () => handleJob(job));
 * ```
 */
export function runWithAbortSignal<R>(
  signal: AbortSignalSource,
  fn: () => R,
): R {
  if (!(signal instanceof AbortSignal) && typeof signal !== 'function') {
    throw new TypeError(
      `runWithAbortSignal: \`signal\` must be an AbortSignal or a function returning one; got ${describe(signal)}`,
    );
  }
  return ambientSignals.run(signal, fn);
}

/**
 * Runs `fn` outside any {@link runWithAbortSignal} context: MonoResults run inside it without
 * an explicit signal are never aborted by an ambient signal (work meant to outlive a request).
 *
 * @example
 * ```ts
 * // keeps warming the cache even if the client that triggered it disconnects
 * void runWithoutAbortSignal(() => warmUp.run());
 * ```
 */
export function runWithoutAbortSignal<R>(fn: () => R): R {
  return ambientSignals.run(undefined, fn);
}

/**
 * The ambient signal of the current {@link runWithAbortSignal} context, or `undefined` outside
 * one (handy to pass to `fetch` or a driver from plain `async` code in a route handler).
 *
 * @example
 * ```ts
 * const res = await fetch(url, { signal: currentAbortSignal() });
 * ```
 */
export function currentAbortSignal(): AbortSignal | undefined {
  const source = ambientSignals.getStore();
  return source === undefined ? undefined : signalOf(source);
}

/** The signal of an ambient source (calls a lazy one). */
function signalOf(source: AbortSignalSource): AbortSignal {
  if (typeof source !== 'function') return source;
  const signal = source();
  if (signal instanceof AbortSignal) return signal;
  throw new TypeError(
    `runWithAbortSignal: the \`signal\` function must return an AbortSignal; got ${describe(signal)}`,
  );
}

const now = (): number => performance.now();

function newContext(signal: AbortSignal): RunContext {
  return { signal, timing: undefined };
}

/**
 * The context of runs without a signal and without log methods: nothing in it changes, so
 * they share it (a run that meets a logged mono switches to a fresh one, see `runMono`).
 */
const FREE_RUN: RunContext = newContext(NEVER_ABORTED);

/** The run's timing marks (started now if no logged mono started them yet). */
function timingOf(ctx: RunContext): RunTiming {
  if (ctx.timing !== undefined) return ctx.timing;
  const timing = startTiming();
  if (ctx !== FREE_RUN) ctx.timing = timing;
  return timing;
}

function startTiming(): RunTiming {
  const t = now();
  return { start: t, mark: t };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function checkResult<T, E>(value: unknown, where: string): Result<T, E> {
  if (isResult(value)) return value as Result<T, E>;
  throw new TypeError(
    `${where} must return a Result (ok()/err()), a MonoResult or a Promise of a Result; got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/**
 * Runs a mono within a run: the steps run synchronously while they return Results; at the
 * first promise the rest continues in {@link continueAsync}.
 */
function runMono<T, E>(m: MonoResult<T, E>, ctx: RunContext): Step<T, E> {
  if (m.meta.timed && ctx.timing === undefined) {
    // the shared context of signal-less runs is never written to
    if (ctx === FREE_RUN) ctx = newContext(NEVER_ABORTED);
    ctx.timing = startTiming();
  }
  const nodes = m.steps ?? stepsOf(m);
  let r: unknown = undefined;
  for (let i = 0; i < nodes.length; i++) {
    const out = exec(nodes[i], r as AnyResult, ctx);
    if (out instanceof Promise) {
      return continueAsync(out, nodes, i, ctx) as Promise<Result<T, E>>;
    }
    r = out;
  }
  return r as Result<T, E>;
}

/** Lists a chain's steps from its source (cached on the mono: chains are immutable). */
function stepsOf(m: MonoResult<unknown, unknown>): readonly StepNode[] {
  let n = 0;
  for (let x: MonoResult<unknown, unknown> | undefined = m; x; x = x.prev) n++;
  const steps = new Array<StepNode>(n);
  for (let x: MonoResult<unknown, unknown> | undefined = m; x; x = x.prev) {
    steps[--n] = x;
  }
  m.steps = steps;
  return steps;
}

/**
 * The asynchronous rest of a run: one `await` per step that returned a promise (V8's fast
 * await path: no closure or extra promise per step), the synchronous steps in between.
 */
async function continueAsync(
  pending: Promise<unknown>,
  nodes: readonly StepNode[],
  i: number,
  ctx: RunContext,
): Promise<AnyResult> {
  let out: unknown = pending;
  let r: AnyResult;
  for (;;) {
    const meta = nodes[i].meta;
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
        if (ctx.signal.aborted) throw ctx.signal.reason;
        rejected = true;
        v = meta.mapReject(cause);
      }
      r = rejected
        ? new Err(v)
        : meta.raw
          ? new Ok(v)
          : checkResult(v, meta.where ?? 'MonoResult thunk');
    }
    if (++i === nodes.length) return r;
    out = exec(nodes[i], r, ctx);
  }
}

/** Turns what a callback returned into a step of the current run. */
function toStep<T, E>(
  value: ResultSource<T, E>,
  ctx: RunContext,
  where: string,
): Step<T, E> | Promise<unknown> {
  // most frequent first: an async callback's promise, then a Result
  if (value instanceof Promise) return value;
  if (isResult(value)) return value as Result<T, E>;
  if (value instanceof MonoResult) return runMono(value, ctx);
  if (isThenable(value)) return Promise.resolve(value);
  return checkResult<T, E>(value, where);
}

/** A Source that runs `m` (for operators that wrap the whole upstream). */
function sourceOf<T, E>(m: MonoResult<T, E>): Source<T, E> {
  return (ctx) => runMono(m, ctx);
}

/** True when `error` is the run's own abort (a cancellation, not a failure to log). */
function isAbort(ctx: RunContext, error: unknown): boolean {
  return ctx.signal.aborted && error === ctx.signal.reason;
}

function outcomeOf(r: Result<unknown, unknown>): OperationOutcome {
  return r.isOk() ? 'ok' : 'err';
}

/** Runs `src`, also observing defects (sync throws and rejections). */
function observe<T, E>(
  src: Source<T, E>,
  ctx: RunContext,
  onResult: (r: Result<T, E>, ctx: RunContext) => void,
  onDefect: (error: unknown, ctx: RunContext) => void,
): Step<T, E> {
  let s: Step<T, E>;
  try {
    s = src(ctx);
  } catch (error) {
    onDefect(error, ctx);
    throw error;
  }
  if (s instanceof Promise) {
    return s.then(
      (r) => {
        onResult(r, ctx);
        return r;
      },
      (error: unknown) => {
        onDefect(error, ctx);
        throw error;
      },
    );
  }
  onResult(s, ctx);
  return s;
}

/** Calls an observer; whatever it throws or rejects with is ignored. */
function callObserver<X>(fn: (x: X) => unknown, x: X): Promise<void> | void {
  let out: unknown;
  try {
    out = fn(x);
  } catch {
    return;
  }
  if (isThenable(out)) {
    return Promise.resolve(out).then(
      () => undefined,
      () => undefined,
    );
  }
}

/** Waits `ms` (on `setTimeout`, so fake timers drive it); rejects with the reason on abort. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `src` with a child signal that aborts when `ctx.signal` does; `body` decides when the
 * step settles. Returns a promise that rejects with the parent's reason on parent abort.
 */
function withChildSignal<U, F>(
  ctx: RunContext,
  body: (
    child: AbortController,
    resolve: (r: Result<U, F>) => void,
    reject: (e: unknown) => void,
  ) => void,
): Promise<Result<U, F>> {
  const parent = ctx.signal;
  if (parent.aborted) return Promise.reject(parent.reason);
  return new Promise<Result<U, F>>((resolve, reject) => {
    const child = new AbortController();
    let done = false;
    const onAbort = (): void => finish(() => reject(parent.reason));
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      parent.removeEventListener('abort', onAbort);
      if (!child.signal.aborted) child.abort(SETTLED);
      settle();
    };
    parent.addEventListener('abort', onAbort, { once: true });
    try {
      body(
        child,
        (r) => finish(() => resolve(r)),
        (e) => finish(() => reject(e)),
      );
    } catch (e) {
      finish(() => reject(e));
    }
  });
}

/**
 * Reason given to the child signals of a finished `timeout`/`all`/`any` step: work still going
 * on below it is no longer needed.
 */
const SETTLED = new DOMException(
  'MonoResult: the enclosing step already settled',
  'AbortError',
);

/** Reason given to a run whose `toObservable()` subscriber unsubscribed before it settled. */
const UNSUBSCRIBED = new DOMException(
  'MonoResult: the Observable was unsubscribed',
  'AbortError',
);

/** Options of {@link MonoResult.retry}. */
export interface RetryOptions<E> {
  /** How many times to retry after the first attempt (`0` = no retry). Integer ≥ 0. */
  times: number;
  /** Delay before the first retry in ms (default 0). */
  delayMs?: number;
  /** `fixed` (default): always `delayMs`; `exponential`: `delayMs * 2^(retry - 1)`. */
  backoff?: 'fixed' | 'exponential';
  /** Upper bound of one delay in ms (default: none). */
  maxDelayMs?: number;
  /**
   * Randomises each delay down to `delay * (1 - jitter * Math.random())`: a fraction in [0, 1];
   * `true` means 1 ("full jitter"). Default: no jitter.
   */
  jitter?: boolean | number;
  /** Retries only the errors for which this returns true (default: every Err). */
  when?: (error: E) => boolean;
}

/** Options of {@link MonoResult.cache}. */
export interface CacheOptions {
  /** How long a settled Ok/Err is reused, from the moment it settled (default: forever). */
  ttlMs?: number;
}

/** Options of {@link MonoResult.timeout}. */
export interface TimeoutOptions {
  /** Operation name in the timeout error's message and details (default `'MonoResult'`). */
  operation?: string;
}

/** Options of the combinators {@link MonoResult.all} / `allSettled` / `any`. */
export interface CombineOptions {
  /** How many monos run at once (default: all of them). Integer ≥ 1. */
  concurrency?: number;
}

/** Options of {@link MonoResult.logStep}. */
export interface LogStepOptions {
  /** Level of the step's line (the sink's default when omitted). */
  level?: ResultLogLevel;
}

/** Options of {@link MonoResult.logPerformance}. */
export interface LogPerformanceOptions {
  /** Over this duration (ms) the record carries `slow: true` and level `warn`. */
  slowMs?: number;
}

type MutableLogRecord = {
  -readonly [K in keyof ResultLogRecord]: ResultLogRecord[K];
};

type AnyMono = MonoResult<unknown, unknown>;
/** Value type of a MonoResult type. */
export type MonoOkType<M> = M extends MonoResult<infer T, unknown> ? T : never;
/** Error type of a MonoResult type. */
export type MonoErrType<M> = M extends MonoResult<unknown, infer E> ? E : never;
type MonoInput = readonly AnyMono[] | Readonly<Record<string, AnyMono>>;
type OkShape<M extends MonoInput> = {
  -readonly [K in keyof M]: MonoOkType<M[K]>;
};
type ResultShape<M extends MonoInput> = {
  -readonly [K in keyof M]: Result<MonoOkType<M[K]>, MonoErrType<M[K]>>;
};
type ErrOf<M extends MonoInput> = M extends readonly AnyMono[]
  ? MonoErrType<M[number]>
  : MonoErrType<M[keyof M]>;

function checkNonNegative(where: string, field: string, value: unknown): void {
  if (
    value !== undefined &&
    (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))
  ) {
    throw new TypeError(
      `${where}: "${field}" must be a finite number ≥ 0; got ${String(value)}`,
    );
  }
}

function checkConcurrency(where: string, value: unknown): number {
  if (value === undefined) return Infinity;
  if (
    typeof value !== 'number' ||
    !(value >= 1) ||
    (!Number.isInteger(value) && value !== Infinity)
  ) {
    throw new TypeError(
      `${where}: "concurrency" must be an integer ≥ 1 (or Infinity); got ${String(value)}`,
    );
  }
  return value;
}

/**
 * A lazy, cold, cancellable computation of a `Result<T, E>`.
 *
 * Nothing runs until {@link MonoResult.run} (or `await`, since a MonoResult is
 * `PromiseLike<Result<T, E>>`); every run executes the chain again unless {@link MonoResult.cache}
 * was applied. Every operator returns a MonoResult, so the logging methods survive any chain.
 *
 * Failures come in two kinds: an **Err** (an expected, typed failure, part of `E`) and a
 * **defect** (a thunk or callback that throws, or a promise that rejects outside
 * `fromPromise`'s mapping): a defect makes the run reject with the thrown value. On abort of
 * the run's signal the run rejects with `signal.reason`.
 *
 * @example
 * ```ts
 * const order = MonoResult.fromPromise(
 *   (signal) => fetch(`/orders/${id}`, { signal }).then((r) => r.json()),
 *   (cause) => RfsError.externalService('orders', String(cause)),
 * )
 *   .retry({ times: 3, delayMs: 100, backoff: 'exponential' })
 *   .timeout(2_000)
 *   .map((o) => o.total);
 *
 * const r = await order; // Result<number, RfsError>
 * ```
 */
export class MonoResult<T, E = never> implements PromiseLike<Result<T, E>> {
  /** Phantom fields carrying `T`/`E` for inference; never set at run time. */
  declare readonly __monoTypes?: { value: T; error: E };

  // Fields are `declare`d and assigned in the constructor: emitted class fields are
  // initialised with define semantics, which V8 11 (Node 20) runs several times slower, and
  // a chain allocates one MonoResult per operator.
  /** @internal The previous step (`undefined` for a source). */
  declare readonly prev: MonoResult<unknown, unknown> | undefined;
  /** @internal The step's function. */
  declare readonly fn: (x: never, ctx: RunContext) => unknown;
  /** @internal What kind of step this is (shared between steps of the same kind). */
  declare readonly meta: StepMeta;
  /** @internal The steps from the source to this one; built on the first run. */
  declare steps: readonly StepNode[] | undefined;

  /** @internal Use the static constructors. */
  constructor(
    prev: MonoResult<unknown, unknown> | undefined,
    fn: (x: never, ctx: RunContext) => unknown,
    meta: StepMeta,
  ) {
    (this as { prev: unknown }).prev = prev;
    (this as { fn: unknown }).fn = fn;
    (this as { meta: StepMeta }).meta = meta;
    this.steps = undefined;
  }

  /** @internal True when the chain holds log methods (its runs read the clock). */
  get timed(): boolean {
    return this.meta.timed;
  }

  /** @internal A mono whose single step is `source`. */
  static fromSource<T, E>(
    source: Source<T, E>,
    timed = false,
  ): MonoResult<T, E> {
    return new MonoResult<T, E>(
      undefined,
      (_r: unknown, ctx: RunContext) => source(ctx),
      SHARED_META[KIND_CUSTOM][timed ? 1 : 0],
    );
  }

  /** @internal This chain plus one step (fused: no promise unless the step returns one). */
  private step<U, F>(
    fn: (r: Result<T, E>, ctx: RunContext) => unknown,
    where?: string,
    kind: number = KIND_CUSTOM,
  ): MonoResult<U, F> {
    const timed = this.meta.timed;
    return new MonoResult<U, F>(
      this as MonoResult<unknown, unknown>,
      fn as (x: never, ctx: RunContext) => unknown,
      metaFor(kind, timed, where, false, undefined),
    );
  }

  /** @internal A mono wrapping this whole chain (timeout, retry, cache, log methods, …). */
  private wrap<U, F>(
    source: Source<U, F>,
    timed = this.timed,
  ): MonoResult<U, F> {
    return MonoResult.fromSource(source, timed);
  }

  // ───────────────────────────── constructors ─────────────────────────────

  /**
   * A mono that yields `Ok(value)`.
   * @example const m = MonoResult.ok(42); // MonoResult<number, never>
   */
  static ok(): MonoResult<void, never>;
  static ok<T>(value: T): MonoResult<T, never>;
  static ok<T>(value?: T): MonoResult<T | undefined, never> {
    const r = new Ok<T | undefined, never>(value);
    return new MonoResult(undefined, () => r, SOURCE_META);
  }

  /**
   * A mono that yields `Err(error)`.
   * @example const m = MonoResult.err(RfsError.notFound('user', 1));
   */
  static err<E>(error: E): MonoResult<never, E> {
    const r = new Err<never, E>(error);
    return new MonoResult(undefined, () => r, SOURCE_META);
  }

  /** A mono that yields the given Result. */
  static fromResult<T, E>(result: Result<T, E>): MonoResult<T, E> {
    return new MonoResult(undefined, () => result, SOURCE_META);
  }

  /**
   * Wraps a promise-returning function (the boundary to throwing code): its value becomes Ok,
   * and whatever it throws — synchronously or as a rejection — becomes `Err(mapErr(cause))`.
   * The thunk is called on each run with the run's signal. A rejection caused by the run's own
   * abort is not mapped: the run rejects with the signal's reason.
   *
   * @example
   * ```ts
   * MonoResult.fromPromise(
   *   (signal) => repo.findById(id, { signal }),
   *   (cause) => RfsError.database('findById', cause),
   * );
   * ```
   */
  static fromPromise<T, E>(
    thunk: (signal: AbortSignal) => PromiseLike<T> | T,
    mapErr: (cause: unknown) => E,
  ): MonoResult<T, E> {
    const fn = (_r: unknown, ctx: RunContext): unknown => {
      const signal = ctx.signal;
      if (signal.aborted) throw signal.reason;
      let value: PromiseLike<T> | T;
      try {
        value = thunk(signal);
      } catch (cause) {
        return new Err(mapErr(cause));
      }
      if (value instanceof Promise) return value;
      return isThenable(value) ? Promise.resolve(value) : new Ok(value);
    };
    return new MonoResult<T, E>(
      undefined,
      fn,
      newMeta(KIND_CUSTOM, false, undefined, true, mapErr),
    );
  }

  /**
   * Wraps a function that returns a `Result` (or a promise of one), called on each run with
   * the run's signal. A throw or rejection is a defect (the run rejects), unless `mapErr` is
   * given: then it becomes `Err(mapErr(cause))`.
   */
  static fromAsync<T, E>(
    thunk: (signal: AbortSignal) => PromiseLike<Result<T, E>> | Result<T, E>,
    mapErr?: (cause: unknown) => E,
  ): MonoResult<T, E> {
    return new MonoResult<T, E>(
      undefined,
      thunk as (x: never) => unknown,
      mapErr === undefined
        ? FROM_ASYNC_META
        : newMeta(KIND_THUNK, false, FROM_ASYNC_WHERE, false, mapErr),
    );
  }

  /** Builds the mono on each run (the factory runs lazily, once per run). */
  static defer<T, E>(factory: () => ResultSource<T, E>): MonoResult<T, E> {
    const where = 'MonoResult.defer factory';
    const fn = (_r: unknown, ctx: RunContext): unknown => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return toStep(factory(), ctx, where);
    };
    return new MonoResult<T, E>(
      undefined,
      fn,
      newMeta(KIND_CUSTOM, false, where),
    );
  }

  /**
   * The first value of an Observable as Ok (then unsubscribes); an error notification becomes
   * `Err(mapErr(error))`, completion without a value `Err(emptyErr())`. Subscribes on each run;
   * abort unsubscribes.
   */
  static fromObservable<T, E>(
    source: Observable<T>,
    mapErr: (error: unknown) => E,
    emptyErr: () => E,
  ): MonoResult<T, E> {
    return MonoResult.fromSource<T, E>((ctx) => {
      const signal = ctx.signal;
      if (signal.aborted) throw signal.reason;
      return new Promise<Result<T, E>>((resolve, reject) => {
        let settled = false;
        const onAbort = (): void => {
          settle();
          reject(signal.reason);
        };
        const settle = (): boolean => {
          if (settled) return false;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          sub?.unsubscribe();
          return true;
        };
        const guard = (fn: () => Result<T, E>): void => {
          if (!settled) {
            try {
              const r = fn();
              settle();
              resolve(r);
            } catch (e) {
              settle();
              reject(e);
            }
          }
        };
        signal.addEventListener('abort', onAbort, { once: true });
        // eslint-disable-next-line prefer-const -- assigned after subscribe may already emit
        let sub: { unsubscribe(): void } | undefined;
        sub = source.subscribe({
          next: (v) => guard(() => new Ok(v)),
          error: (e: unknown) => guard(() => new Err(mapErr(e))),
          complete: () => guard(() => new Err(emptyErr())),
        });
        if (settled) sub.unsubscribe();
      });
    });
  }

  // ───────────────────────────── running ─────────────────────────────

  /**
   * Runs the chain. The signal (if any) is passed to every thunk; on abort, pending retries and
   * timers stop and the returned promise rejects with `signal.reason`. A defect rejects it.
   * Without a signal, a run inside {@link runWithAbortSignal} (e.g. a route handler under
   * ResultInterceptor) uses the ambient signal; elsewhere it is never aborted.
   */
  run(signal?: AbortSignal): Promise<Result<T, E>> {
    if (signal === undefined) {
      const ambient = ambientSignals.getStore();
      if (ambient !== undefined) return this.runAmbient(ambient);
      try {
        const s = runMono(this, FREE_RUN);
        return s instanceof Promise ? s : Promise.resolve(s);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<Result<T, E>>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let s: Step<T, E>;
      try {
        s = runMono(this, newContext(signal));
      } catch (error) {
        signal.removeEventListener('abort', onAbort);
        reject(error);
        return;
      }
      if (!(s instanceof Promise)) {
        signal.removeEventListener('abort', onAbort);
        resolve(s);
        return;
      }
      s.then(
        (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** A signal-less run inside {@link runWithAbortSignal}: runs with the ambient signal. */
  private runAmbient(source: AbortSignalSource): Promise<Result<T, E>> {
    let signal: AbortSignal;
    try {
      signal = signalOf(source);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.run(signal);
  }

  /**
   * Runs the mono (same as {@link MonoResult.run}: inside {@link runWithAbortSignal} with the
   * ambient signal); makes `await mono` work.
   */
  then<A = Result<T, E>, B = never>(
    onfulfilled?: ((value: Result<T, E>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run().then(onfulfilled, onrejected);
  }

  /** Runs the mono and returns the promise of its Result (alias of {@link MonoResult.run}). */
  toPromise(signal?: AbortSignal): Promise<Result<T, E>> {
    return this.run(signal);
  }

  /**
   * A cold Observable that runs the mono on subscribe and emits its Result once, then
   * completes; a defect is an error notification; unsubscribing aborts the run.
   */
  toObservable(): Observable<Result<T, E>> {
    return new Observable<Result<T, E>>((subscriber) => {
      const ac = new AbortController();
      let settled = false;
      this.run(ac.signal).then(
        (r) => {
          settled = true;
          subscriber.next(r);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          if (!ac.signal.aborted) subscriber.error(error);
        },
      );
      return () => {
        if (!settled) ac.abort(UNSUBSCRIBED);
      };
    });
  }

  // ───────────────────────────── operators ─────────────────────────────

  /** Transforms the Ok value (a throw in `fn` is a defect). */
  map<U>(fn: (value: T) => U): MonoResult<U, E> {
    return this.step<U, E>(fn as never, undefined, KIND_MAP);
  }

  /** Transforms the error (a throw in `fn` is a defect). */
  mapErr<F>(fn: (error: E) => F): MonoResult<T, F> {
    const onResult = (r: Result<T, E>): Result<T, F> =>
      r.isErr() ? new Err(fn(r.error)) : (r as unknown as Ok<T, F>);
    return this.step<T, F>(onResult);
  }

  /**
   * Chains the next step on Ok: `fn` returns a Result, a MonoResult (run with the same signal)
   * or a Promise of a Result. Errs skip it.
   */
  flatMap<U, F>(fn: (value: T) => ResultSource<U, F>): MonoResult<U, E | F> {
    return this.step<U, E | F>(fn as never, FLAT_MAP_WHERE, KIND_FLAT_MAP);
  }

  /** Alias of {@link MonoResult.flatMap}. */
  andThen<U, F>(fn: (value: T) => ResultSource<U, F>): MonoResult<U, E | F> {
    return this.flatMap(fn);
  }

  /**
   * Recovers from an Err with another Result source (Result, MonoResult or Promise of one);
   * its error type replaces `E`.
   */
  orElse<U, F>(fn: (error: E) => ResultSource<U, F>): MonoResult<T | U, F> {
    const onResult = (r: Result<T, E>, ctx: RunContext): unknown => {
      if (r.isOk()) return r as unknown as Ok<T, F>;
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return toStep(fn(r.error), ctx, 'MonoResult.orElse callback');
    };
    return this.step<T | U, F>(onResult, 'MonoResult.orElse callback');
  }

  /** Replaces an Err by `Ok(await fn(error))`; `fn` may be sync or async (a throw is a defect). */
  recover<U>(fn: (error: E) => U | PromiseLike<U>): MonoResult<T | U, never> {
    const onResult = (r: Result<T, E>): Step<T | U, never> => {
      if (r.isOk()) return r as unknown as Ok<T, never>;
      const v = fn(r.error);
      return isThenable(v)
        ? Promise.resolve(v).then((x) => new Ok<T | U, never>(x))
        : new Ok(v as U);
    };
    return this.step<T | U, never>(onResult);
  }

  /** Replaces an Err by `Ok(value)`. */
  recoverWith<U>(value: U): MonoResult<T | U, never> {
    const fallback = new Ok<U, never>(value);
    const onResult = (r: Result<T, E>): Result<T | U, never> =>
      r.isOk() ? (r as unknown as Ok<T, never>) : fallback;
    return this.step<T | U, never>(onResult);
  }

  /**
   * Observes the Ok value (sync or async: an async observer is awaited). An observer that
   * throws or rejects never changes the outcome.
   */
  tap(fn: (value: T) => unknown): MonoResult<T, E> {
    const onResult = (r: Result<T, E>): Step<T, E> => {
      if (r.isErr()) return r;
      const p = callObserver(fn, r.value);
      return p === undefined ? r : p.then(() => r);
    };
    return this.step<T, E>(onResult);
  }

  /** Observes the error, like {@link MonoResult.tap}. */
  tapErr(fn: (error: E) => unknown): MonoResult<T, E> {
    const onResult = (r: Result<T, E>): Step<T, E> => {
      if (r.isOk()) return r;
      const p = callObserver(fn, r.error);
      return p === undefined ? r : p.then(() => r);
    };
    return this.step<T, E>(onResult);
  }

  /**
   * Runs `fn` after the mono settles (Ok, Err or defect), like `Promise.prototype.finally`:
   * an async `fn` is awaited, and a throw or rejection in `fn` becomes the run's defect.
   */
  finally(fn: () => unknown): MonoResult<T, E> {
    const src = sourceOf(this);
    return this.wrap<T, E>((ctx) => {
      let p: Promise<Result<T, E>>;
      try {
        const s = src(ctx);
        p = s instanceof Promise ? s : Promise.resolve(s);
      } catch (error) {
        p = Promise.reject(error);
      }
      return p.finally(fn);
    });
  }

  /** Turns an Ok whose value fails `predicate` into `Err(errorFactory(value))`. */
  filter<F>(
    predicate: (value: T) => boolean,
    errorFactory: (value: T) => F,
  ): MonoResult<T, E | F> {
    const onResult = (r: Result<T, E>): Result<T, E | F> =>
      r.isErr() || predicate(r.value)
        ? (r as Result<T, E | F>)
        : new Err(errorFactory(r.value));
    return this.step<T, E | F>(onResult);
  }

  /**
   * Runs both monos concurrently: Ok of both values, or the first Err (the other is aborted).
   */
  zip<U, F>(other: MonoResult<U, F>): MonoResult<[T, U], E | F> {
    return MonoResult.all([this, other] as const) as MonoResult<[T, U], E | F>;
  }

  /**
   * Ends the mono with `Err(RfsError.timeout(operation, ms))` (code `TIMEOUT_ERROR`) when it
   * does not settle within `ms`, and aborts the upstream signal (the reason is that error) so
   * the work below stops. The timer runs on `setTimeout` (fake timers drive it).
   */
  timeout(
    ms: number,
    options: TimeoutOptions = {},
  ): MonoResult<T, E | RfsError> {
    checkNonNegative('MonoResult.timeout', 'ms', ms);
    const src = sourceOf(this);
    const operation = options.operation ?? 'MonoResult';
    return this.wrap<T, E | RfsError>((ctx) =>
      withChildSignal<T, E | RfsError>(ctx, (child, resolve, reject) => {
        const timer = setTimeout(() => {
          const error = RfsError.timeout(operation, ms);
          child.abort(error);
          resolve(new Err(error));
        }, ms);
        const childCtx: RunContext = {
          signal: child.signal,
          timing: ctx.timing,
        };
        let s: Step<T, E>;
        try {
          s = src(childCtx);
        } catch (error) {
          clearTimeout(timer);
          throw error;
        }
        Promise.resolve(s).then(
          (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
        child.signal.addEventListener('abort', () => clearTimeout(timer), {
          once: true,
        });
      }),
    );
  }

  /**
   * Runs the mono again on Err (defects are not retried: they are bugs, not transient
   * failures). Delays use `setTimeout`, so fake timers drive them; aborting the run stops a
   * pending wait and rejects with the signal's reason.
   *
   * @example
   * ```ts
   * mono.retry({ times: 3, delayMs: 100, backoff: 'exponential', maxDelayMs: 1_000,
   *   when: (e) => e.code !== 'VALIDATION_ERROR' });
   * ```
   */
  retry(options: RetryOptions<E>): MonoResult<T, E> {
    const where = 'MonoResult.retry';
    const { times, backoff = 'fixed', when } = options;
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) {
      throw new TypeError(
        `${where}: "times" must be an integer ≥ 0; got ${String(times)}`,
      );
    }
    checkNonNegative(where, 'delayMs', options.delayMs);
    if (options.maxDelayMs !== undefined)
      checkNonNegative(where, 'maxDelayMs', options.maxDelayMs);
    if (backoff !== 'fixed' && backoff !== 'exponential') {
      throw new TypeError(
        `${where}: "backoff" must be 'fixed' or 'exponential'; got ${String(backoff)}`,
      );
    }
    const jitter =
      options.jitter === true
        ? 1
        : options.jitter === false
          ? 0
          : (options.jitter ?? 0);
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
      throw new TypeError(
        `${where}: "jitter" must be a boolean or a number in [0, 1]; got ${String(options.jitter)}`,
      );
    }
    const delayMs = options.delayMs ?? 0;
    const maxDelayMs = options.maxDelayMs ?? Infinity;
    const delayOf = (retry: number): number => {
      const base =
        backoff === 'exponential' ? delayMs * 2 ** (retry - 1) : delayMs;
      const capped = Math.min(base, maxDelayMs);
      return jitter === 0 ? capped : capped * (1 - jitter * Math.random());
    };
    const src = sourceOf(this);
    return this.wrap<T, E>(async (ctx) => {
      for (let retry = 1; ; retry++) {
        const r = await src(ctx);
        if (r.isOk() || retry > times || (when !== undefined && !when(r.error)))
          return r;
        const delay = delayOf(retry);
        if (delay > 0) await sleep(delay, ctx.signal);
        else if (ctx.signal.aborted) throw ctx.signal.reason;
      }
    });
  }

  /**
   * Shares one execution between runs: concurrent runs of a cached mono (100 concurrent awaits)
   * run the source once, and a settled Ok/Err is reused for `ttlMs` (default: forever).
   *
   * A defect or an abort is never cached: the entry is dropped and the next run executes the
   * source again. The shared execution is detached from any single caller's signal, ambient
   * ones included (one caller's abort must not fail the others): a caller that aborts stops
   * waiting and its run rejects with its reason, while the source finishes and fills the cache.
   */
  cache(options: CacheOptions = {}): MonoResult<T, E> {
    checkNonNegative('MonoResult.cache', 'ttlMs', options.ttlMs);
    const ttlMs = options.ttlMs ?? Infinity;
    const src = sourceOf(this);
    let pending: Promise<Result<T, E>> | undefined;
    let value: Result<T, E> | undefined;
    let expiresAt = 0;
    return this.wrap<T, E>((ctx) => {
      if (value !== undefined) {
        if (Date.now() < expiresAt) return value;
        value = undefined;
      }
      if (pending !== undefined) return pending;
      let s: Step<T, E>;
      try {
        // detached from the caller's ambient signal too (monos awaited inside the source)
        s =
          ambientSignals.getStore() === undefined
            ? src(newContext(NEVER_ABORTED))
            : ambientSignals.run(undefined, src, newContext(NEVER_ABORTED));
      } catch (error) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw error;
      }
      if (!(s instanceof Promise)) {
        value = s;
        expiresAt = Date.now() + ttlMs;
        return s;
      }
      const p = s.then(
        (r) => {
          if (pending === p) {
            pending = undefined;
            value = r;
            expiresAt = Date.now() + ttlMs;
          }
          return r;
        },
        (error: unknown) => {
          if (pending === p) pending = undefined;
          throw error;
        },
      );
      pending = p;
      // every caller gets `p`; this handler only keeps a lone defect from being "unhandled"
      p.catch(() => undefined);
      return p;
    });
  }

  // ───────────────────────────── logging ─────────────────────────────

  /**
   * Writes one `step` record (via the installed result-log sink) when the chain reaches this
   * point: `durationMs` is this step only, measured from the previous `logStep` of the same
   * run (or from the run's start) — not cumulative. Err and defect outcomes are recorded with
   * their error; a defect still rejects the run. Cancellations are not logged.
   */
  logStep(name: string, options: LogStepOptions = {}): MonoResult<T, E> {
    const src = sourceOf(this);
    const level = options.level;
    const record = (
      outcome: OperationOutcome,
      error: unknown,
      ctx: RunContext,
    ): void => {
      const t = now();
      const rec: MutableLogRecord = {
        kind: 'step',
        name,
        outcome,
        durationMs: t - timingOf(ctx).mark,
      };
      timingOf(ctx).mark = t;
      if (outcome !== 'ok') rec.error = error;
      if (level !== undefined) rec.level = level;
      emitResultLog(rec);
    };
    const onResult = (r: Result<T, E>, ctx: RunContext): void =>
      record(outcomeOf(r), r.isErr() ? r.error : undefined, ctx);
    const onDefect = (error: unknown, ctx: RunContext): void => {
      if (!isAbort(ctx, error)) record('defect', error, ctx);
    };
    return this.wrap<T, E>(
      (ctx) => observe(src, ctx, onResult, onDefect),
      true,
    );
  }

  /**
   * Writes one `error` record on Err **and** on defect (the defect still rejects the run);
   * nothing on Ok or on cancellation. `durationMs` is the run's duration so far. A string
   * context is also the record's `name`.
   */
  logError(context?: unknown): MonoResult<T, E> {
    const src = sourceOf(this);
    const name = typeof context === 'string' ? context : undefined;
    const record = (
      outcome: OperationOutcome,
      error: unknown,
      ctx: RunContext,
    ): void => {
      const rec: MutableLogRecord = {
        kind: 'error',
        outcome,
        durationMs: now() - timingOf(ctx).start,
        error,
      };
      if (name !== undefined) rec.name = name;
      if (context !== undefined) rec.context = context;
      emitResultLog(rec);
    };
    const onResult = (r: Result<T, E>, ctx: RunContext): void => {
      if (r.isErr()) record('err', r.error, ctx);
    };
    const onDefect = (error: unknown, ctx: RunContext): void => {
      if (!isAbort(ctx, error)) record('defect', error, ctx);
    };
    return this.wrap<T, E>(
      (ctx) => observe(src, ctx, onResult, onDefect),
      true,
    );
  }

  /**
   * Writes one `performance` record when the chain reaches this point: `durationMs` is the
   * total duration of the run so far; with `slowMs`, `slow` tells whether it was exceeded
   * (then the level is `warn`).
   */
  logPerformance(
    name: string,
    options: LogPerformanceOptions = {},
  ): MonoResult<T, E> {
    checkNonNegative('MonoResult.logPerformance', 'slowMs', options.slowMs);
    const src = sourceOf(this);
    const slowMs = options.slowMs;
    const record = (
      outcome: OperationOutcome,
      error: unknown,
      ctx: RunContext,
    ): void => {
      const durationMs = now() - timingOf(ctx).start;
      const rec: MutableLogRecord = {
        kind: 'performance',
        name,
        outcome,
        durationMs,
      };
      if (outcome !== 'ok') rec.error = error;
      if (slowMs !== undefined) {
        rec.slow = durationMs > slowMs;
        if (rec.slow) rec.level = 'warn';
      }
      emitResultLog(rec);
    };
    const onResult = (r: Result<T, E>, ctx: RunContext): void =>
      record(outcomeOf(r), r.isErr() ? r.error : undefined, ctx);
    const onDefect = (error: unknown, ctx: RunContext): void => {
      if (!isAbort(ctx, error)) record('defect', error, ctx);
    };
    return this.wrap<T, E>(
      (ctx) => observe(src, ctx, onResult, onDefect),
      true,
    );
  }

  // ───────────────────────────── combinators ─────────────────────────────

  /**
   * Runs the monos (tuple or record) with at most `concurrency` at once: Ok of every value
   * (typed per position or key), or the first Err — the others are then aborted. A defect
   * aborts the others and rejects the run.
   *
   * @example
   * ```ts
   * const r = await MonoResult.all({ user: getUser(id), orders: getOrders(id) });
   * if (r.isOk()) r.value.user; // typed
   * ```
   */
  static all<const M extends readonly AnyMono[]>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<OkShape<M>, ErrOf<M>>;
  static all<const M extends Readonly<Record<string, AnyMono>>>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<OkShape<M>, ErrOf<M>>;
  static all(
    monos: MonoInput,
    options: CombineOptions = {},
  ): MonoResult<unknown, unknown> {
    return combine(monos, options, 'all');
  }

  /** Runs every mono (bounded like `all`) and yields every Result, Ok or Err (never an Err itself). */
  static allSettled<const M extends readonly AnyMono[]>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<ResultShape<M>, never>;
  static allSettled<const M extends Readonly<Record<string, AnyMono>>>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<ResultShape<M>, never>;
  static allSettled(
    monos: MonoInput,
    options: CombineOptions = {},
  ): MonoResult<unknown, unknown> {
    return combine(monos, options, 'allSettled');
  }

  /**
   * The first Ok (the others are then aborted), or Err of every error in input order when all
   * fail (an empty input yields `Err([])`).
   */
  static any<const M extends readonly AnyMono[]>(
    monos: M,
    options?: CombineOptions,
  ): MonoResult<MonoOkType<M[number]>, MonoErrType<M[number]>[]> {
    return combine(monos, options ?? {}, 'any') as MonoResult<
      MonoOkType<M[number]>,
      MonoErrType<M[number]>[]
    >;
  }
}

type CombineMode = 'all' | 'allSettled' | 'any';

function combine(
  monos: MonoInput,
  options: CombineOptions,
  mode: CombineMode,
): MonoResult<unknown, unknown> {
  const where = `MonoResult.${mode}`;
  const concurrency = checkConcurrency(where, options.concurrency);
  const isArray = Array.isArray(monos);
  const keys = isArray ? undefined : Object.keys(monos);
  const list: AnyMono[] = isArray
    ? [...(monos as readonly AnyMono[])]
    : keys!.map((k) => (monos as Record<string, AnyMono>)[k]);
  list.forEach((m, i) => {
    if (!(m instanceof MonoResult)) {
      throw new TypeError(
        `${where}: item ${isArray ? i : `"${keys![i]}"`} is not a MonoResult (got ${describe(m)})`,
      );
    }
  });
  const shape = (items: unknown[]): unknown => {
    if (isArray) return items;
    const out: Record<string, unknown> = {};
    keys!.forEach((k, i) => (out[k] = items[i]));
    return out;
  };
  const n = list.length;
  const timed = list.some((m) => m.timed);
  return MonoResult.fromSource<unknown, unknown>((ctx) => {
    if (n === 0) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return mode === 'any' ? new Err([]) : new Ok(shape([]));
    }
    return withChildSignal<unknown, unknown>(ctx, (child, resolve, reject) => {
      const items: unknown[] = new Array(n);
      let next = 0;
      let active = 0;
      let done = 0;
      let over = false;
      const finish = (r: Result<unknown, unknown>): void => {
        over = true;
        resolve(r);
      };
      const fail = (error: unknown): void => {
        over = true;
        reject(error);
      };
      const onItem = (i: number, r: Result<unknown, unknown>): void => {
        active--;
        if (over) return;
        if (mode === 'all') {
          if (r.isErr()) return finish(r);
          items[i] = r.value;
        } else if (mode === 'any') {
          if (r.isOk()) return finish(r);
          items[i] = r.error;
        } else {
          items[i] = r;
        }
        if (++done === n) {
          finish(mode === 'any' ? new Err(items) : new Ok(shape(items)));
        } else launch();
      };
      let launching = false;
      // a loop, not recursion: synchronous items must not grow the stack
      const launch = (): void => {
        if (launching) return;
        launching = true;
        while (!over && active < concurrency && next < n) {
          const i = next++;
          active++;
          // concurrent items measure their steps from the same mark, each on its own
          const timing = ctx.timing;
          const itemCtx: RunContext = {
            signal: child.signal,
            timing:
              timing === undefined
                ? undefined
                : { start: timing.start, mark: timing.mark },
          };
          let s: Step<unknown, unknown>;
          try {
            s = runMono(list[i], itemCtx);
          } catch (error) {
            fail(error);
            return;
          }
          if (s instanceof Promise) {
            s.then(
              (r) => onItem(i, r),
              (error: unknown) => {
                if (!over) fail(error);
              },
            );
          } else onItem(i, s);
        }
        launching = false;
      };
      launch();
    });
  }, timed);
}
