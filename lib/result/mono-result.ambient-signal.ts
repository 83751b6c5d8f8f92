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
 * An `AbortSignal`, or a function that returns one, called when a run first needs it (so a
 * context that never runs a MonoResult creates no `AbortController`).
 */
export type AbortSignalSource = AbortSignal | (() => AbortSignal);

/**
 * The ambient signal of {@link runWithAbortSignal}. Only signal-less runs read it (one
 * `getStore()`); until the first `runWithAbortSignal` it is not even enabled, so plain scripts
 * pay nothing for it.
 */
export const ambientSignals = new AsyncLocalStorage<
  AbortSignalSource | undefined
>();

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
export function signalOf(source: AbortSignalSource): AbortSignal {
  if (typeof source !== 'function') return source;
  const signal = source();
  if (signal instanceof AbortSignal) return signal;
  throw new TypeError(
    `runWithAbortSignal: the \`signal\` function must return an AbortSignal; got ${describe(signal)}`,
  );
}
