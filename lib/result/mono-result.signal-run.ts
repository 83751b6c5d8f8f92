// Internal (not exported from the package): runs with an AbortSignal — `run(signal)` and the
// child signals of timeout/all/any steps. Signal-less runs never come here: they create no
// promise, listener or AbortController beyond what their steps need.
import type { Result } from './result';
import type { MonoResult } from './mono-result';
import { signalOf, type AbortSignalSource } from './mono-result.ambient-signal';
import {
  newContext,
  runMono,
  type RunContext,
  type Step,
} from './mono-result.run-loop';

const ignore = (): void => undefined;

/**
 * `mono.run(signal)` (or a signal-less run with an ambient signal): the chain runs with the
 * signal; the returned promise rejects with `signal.reason` as soon as it aborts. A run that
 * completes synchronously adds no listener.
 */
export function runWithSignal<T, E>(
  m: MonoResult<T, E>,
  source: AbortSignalSource,
): Promise<Result<T, E>> {
  let signal: AbortSignal;
  try {
    signal = signalOf(source);
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal.aborted) return Promise.reject(signal.reason);
  let s: Step<T, E>;
  try {
    s = runMono(m, newContext(signal));
  } catch (error) {
    // a step that aborted the run and then threw: the abort wins, as if it had been awaited
    return Promise.reject(signal.aborted ? signal.reason : error);
  }
  if (signal.aborted) {
    if (s instanceof Promise) s.then(ignore, ignore);
    return Promise.reject(signal.reason);
  }
  if (!(s instanceof Promise)) return Promise.resolve(s);
  const pending = s;
  return new Promise<Result<T, E>>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
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

/**
 * Runs `src` with a child signal that aborts when `ctx.signal` does; `body` decides when the
 * step settles. Returns a promise that rejects with the parent's reason on parent abort.
 */
export function withChildSignal<U, F>(
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
