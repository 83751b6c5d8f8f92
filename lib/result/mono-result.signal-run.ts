// Internal (not exported from the package, shared with lib/http): runs with an AbortSignal or a
// lazy source — `run(signal)` and the child signals of timeout/all/any steps. Signal-less runs never come here: they create no
// promise, listener or AbortController beyond what their steps need.
import type { Result } from './result';
import type { MonoResult } from './mono-result';
import {
  isLazySignal,
  signalOf,
  type AbortSignalSource,
} from './mono-result.ambient-signal';
import {
  lazyContext,
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
 *
 * Under a {@link LazyAbortSignal} the run creates the signal only when a step needs it (see
 * `RunContext`); until then it checks `aborted` between steps and when it settles (a run whose
 * source aborted rejects with the reason, as if it had been listening), and it listens for the
 * abort from the moment a step creates the signal.
 */
export function runWithSignal<T, E>(
  m: MonoResult<T, E>,
  source: AbortSignalSource,
): Promise<Result<T, E>> {
  let ctx: RunContext;
  if (isLazySignal(source)) {
    ctx = lazyContext(source);
  } else {
    let signal: AbortSignal;
    try {
      signal = signalOf(source);
    } catch (error) {
      return Promise.reject(error);
    }
    ctx = newContext(signal);
  }
  let s: Step<T, E>;
  try {
    if (ctx.aborted) return Promise.reject(ctx.reason);
    s = runMono(m, ctx);
  } catch (error) {
    // a step that aborted the run and then threw: the abort wins, as if it had been awaited
    return Promise.reject(ctx.aborted ? ctx.reason : error);
  }
  if (ctx.aborted) {
    if (s instanceof Promise) s.then(ignore, ignore);
    return Promise.reject(ctx.reason);
  }
  if (!(s instanceof Promise)) return Promise.resolve(s);
  const pending = s;
  return new Promise<Result<T, E>>((resolve, reject) => {
    let signal: AbortSignal | undefined;
    const onAbort = (): void => reject(signal!.reason);
    const listen = (created: AbortSignal): void => {
      signal = created;
      if (created.aborted) reject(created.reason);
      else created.addEventListener('abort', onAbort, { once: true });
    };
    if (ctx.known !== undefined) listen(ctx.known);
    else ctx.onSignal = listen;
    pending.then(
      (r) => {
        if (signal !== undefined) signal.removeEventListener('abort', onAbort);
        else ctx.onSignal = undefined;
        // a lazy source that aborted while no step listened: the abort wins
        if (signal === undefined && ctx.aborted) reject(ctx.reason);
        else resolve(r);
      },
      (error: unknown) => {
        if (signal !== undefined) signal.removeEventListener('abort', onAbort);
        else ctx.onSignal = undefined;
        reject(ctx.aborted ? ctx.reason : error);
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
