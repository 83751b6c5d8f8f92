// The ambient abort signal of signal-less runs (its public functions are re-exported by
// mono-result.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { describe } from './mono-result.options';

/** A signal that never aborts: runs without a caller signal share it. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
// Every concurrent signal-less run with a timeout/retry/all step listens on this one signal (and
// removes its listener when it settles): many at once is normal, not a leak, so no warning.
setMaxListeners(0, NEVER_ABORTED);

/**
 * A signal created only when something needs it, that can tell whether it aborted without being
 * created. A run under one (see {@link runWithAbortSignal}) reads `aborted` between steps and
 * calls `signal()` only for a step that uses the signal: a thunk declared with a parameter, a
 * timeout/retry delay/all/any step, `fromObservable`, or `currentAbortSignal()`.
 *
 * @example
 * ```ts
 * let ac: AbortController | undefined;
 * const lazy: LazyAbortSignal = {
 *   get aborted() { return ac?.signal.aborted ?? job.cancelled; },
 *   signal: () => (ac ??= new AbortController()).signal,
 * };
 * ```
 */
export interface LazyAbortSignal {
  /** Whether the signal aborted (or would be created aborted); must not create it. */
  readonly aborted: boolean;
  /** The signal: created on the first call, the same one after. */
  signal(): AbortSignal;
}

/**
 * An `AbortSignal`; a function that returns one, called when a run starts (so a context that
 * never runs a MonoResult creates no `AbortController`); or a {@link LazyAbortSignal}, read only
 * when a step of the run needs the signal.
 */
export type AbortSignalSource =
  AbortSignal | (() => AbortSignal) | LazyAbortSignal;

/** Whether `source` is a {@link LazyAbortSignal}. */
export function isLazySignal(
  source: AbortSignalSource,
): source is LazyAbortSignal {
  return typeof source === 'object' && !(source instanceof AbortSignal);
}

/**
 * The ambient signal of {@link runWithAbortSignal} ({@link NEVER_ABORTED} inside
 * {@link runWithoutAbortSignal}). Only signal-less runs read it (one `getStore()`); until the
 * first `runWithAbortSignal` it is not even enabled, so code that never calls it pays nothing.
 */
export const ambientSignals = new AsyncLocalStorage<AbortSignalSource>();

/** Where signal-less runs look for an ambient signal outside any `runWithAbortSignal`. */
export type AmbientSignalProvider = () => AbortSignalSource | undefined;

let provider: AmbientSignalProvider | undefined;

/**
 * Installs where signal-less runs find their ambient signal when no {@link runWithAbortSignal}
 * (or {@link runWithoutAbortSignal}) context is active: e.g. a field of a request store that
 * another AsyncLocalStorage already carries, so a request needs no second one. nestjs-rfs's HTTP
 * layer installs one that reads the correlation store; installing another replaces it.
 *
 * @param fn the provider (called once per signal-less run; keep it cheap), or `undefined`
 * @example
 * ```ts
 * const jobs = new AsyncLocalStorage<{ cancel: AbortSignal }>();
 * setAmbientSignalProvider(() => jobs.getStore()?.cancel);
 * ```
 */
export function setAmbientSignalProvider(
  fn: AmbientSignalProvider | undefined,
): void {
  if (fn !== undefined && typeof fn !== 'function') {
    throw new TypeError(
      `setAmbientSignalProvider: \`fn\` must be a function or undefined; got ${describe(fn)}`,
    );
  }
  provider = fn;
}

/** The ambient signal source of a signal-less run, or `undefined` (never aborted). */
export function ambientSource(): AbortSignalSource | undefined {
  const source = ambientSignals.getStore();
  if (source !== undefined)
    return source === NEVER_ABORTED ? undefined : source;
  return provider === undefined ? undefined : provider();
}

/** Runs `fn(arg)` detached from any ambient signal (no ALS work when there is none). */
export function runDetached<A, R>(fn: (arg: A) => R, arg: A): R {
  return ambientSource() === undefined
    ? fn(arg)
    : ambientSignals.run(NEVER_ABORTED, fn, arg);
}

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
 * @param signal the signal; a function returning it (called once per run, when it starts;
 *   return the same signal each time, e.g. one created on first call); or a
 *   {@link LazyAbortSignal}, created only when a step of a run needs it (a run whose thunks
 *   declare no signal parameter and that has no timeout/retry delay/all/any step never creates it)
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
  if (
    !(signal instanceof AbortSignal) &&
    typeof signal !== 'function' &&
    typeof (signal as Partial<LazyAbortSignal> | null)?.signal !== 'function'
  ) {
    throw new TypeError(
      `runWithAbortSignal: \`signal\` must be an AbortSignal, a function returning one or a LazyAbortSignal; got ${describe(signal)}`,
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
  return ambientSignals.run(NEVER_ABORTED, fn);
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
  const source = ambientSource();
  return source === undefined ? undefined : signalOf(source);
}

/** The signal of an ambient source (calls a lazy one). */
export function signalOf(source: AbortSignalSource): AbortSignal {
  if (source instanceof AbortSignal) return source;
  const signal = typeof source === 'function' ? source() : source.signal();
  if (signal instanceof AbortSignal) return signal;
  throw new TypeError(
    `runWithAbortSignal: the \`signal\` function must return an AbortSignal; got ${describe(signal)}`,
  );
}
