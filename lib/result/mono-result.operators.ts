// Internal (not exported from the package): the step functions behind MonoResult's operators
// that are not run inline by the run loop (map and flatMap are: see mono-result.run-loop.ts).
// Each takes the previous step's Result and returns a Result, or a native Promise of one.
import type { Ok as OkResult, Result } from './result';
import {
  Err,
  ORELSE_WHERE,
  Ok,
  isThenable,
  toStep,
  type ResultSource,
  type RunContext,
  type Source,
  type Step,
} from './mono-result.run-loop';

/** The step function of a chain's operator: previous Result in, next step out. */
export type StepFn<T, E> = (r: Result<T, E>, ctx: RunContext) => unknown;

export function mapErrStep<T, E, F>(fn: (error: E) => F): StepFn<T, E> {
  return (r) =>
    r.isErr() ? new Err<T, F>(fn(r.error)) : (r as unknown as OkResult<T, F>);
}

export function orElseStep<T, E, U, F>(
  fn: (error: E) => ResultSource<U, F>,
): StepFn<T, E> {
  return (r, ctx) => {
    if (r.isOk()) return r;
    if (ctx.aborted) throw ctx.reason;
    return toStep(fn(r.error), ctx, ORELSE_WHERE);
  };
}

export function recoverStep<T, E, U>(
  fn: (error: E) => U | PromiseLike<U>,
): StepFn<T, E> {
  return (r): Step<T | U, never> => {
    if (r.isOk()) return r as unknown as OkResult<T, never>;
    const v = fn(r.error);
    return isThenable(v)
      ? Promise.resolve(v).then((x) => new Ok<T | U, never>(x))
      : new Ok<T | U, never>(v as U);
  };
}

export function recoverWithStep<T, E, U>(value: U): StepFn<T, E> {
  const fallback = new Ok<U, never>(value);
  return (r) => (r.isOk() ? r : fallback);
}

/** `tap` (on Ok) and `tapErr` (on Err): awaits an async observer, ignores its failures. */
export function tapStep<T, E>(
  fn: (x: never) => unknown,
  onOk: boolean,
): StepFn<T, E> {
  return (r): Step<T, E> => {
    if (r.isOk() !== onOk) return r;
    const p = callObserver(
      fn as (x: unknown) => unknown,
      r.isOk() ? r.value : r.error,
    );
    return p === undefined ? r : p.then(() => r);
  };
}

export function filterStep<T, E, F>(
  predicate: (value: T) => boolean,
  errorFactory: (value: T) => F,
): StepFn<T, E> {
  return (r) =>
    r.isErr() || predicate(r.value)
      ? r
      : new Err<T, E | F>(errorFactory(r.value));
}

/** The source of `finally`: runs `fn` after `src` settles, like `Promise.prototype.finally`. */
export function finallySource<T, E>(
  src: Source<T, E>,
  fn: () => unknown,
): Source<T, E> {
  return (ctx) => {
    let p: Promise<Result<T, E>>;
    try {
      const s = src(ctx);
      p = s instanceof Promise ? s : Promise.resolve(s);
    } catch (error) {
      p = Promise.reject(error);
    }
    return p.finally(fn);
  };
}

/** Calls an observer; whatever it throws or rejects with is ignored. */
export function callObserver<X>(
  fn: (x: X) => unknown,
  x: X,
): Promise<void> | void {
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
