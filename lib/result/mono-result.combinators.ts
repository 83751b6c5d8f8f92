// Internal (not exported from the package): MonoResult.all / allSettled / any.
import { Err, Ok, type Result } from './result';
import type { MonoResult } from './mono-result';
import { isMonoResult } from './mono-result.class-ref';
import {
  monoOf,
  newContext,
  runMono,
  type RunContext,
  type Step,
} from './mono-result.run-loop';
import { withChildSignal } from './mono-result.signal-run';
import {
  checkConcurrency,
  describe,
  type CombineOptions,
} from './mono-result.options';

export type AnyMono = MonoResult<unknown, unknown>;
/** Value type of a MonoResult type. */
export type MonoOkType<M> = M extends MonoResult<infer T, unknown> ? T : never;
/** Error type of a MonoResult type. */
export type MonoErrType<M> = M extends MonoResult<unknown, infer E> ? E : never;
export type MonoInput = readonly AnyMono[] | Readonly<Record<string, AnyMono>>;
export type OkShape<M extends MonoInput> = {
  -readonly [K in keyof M]: MonoOkType<M[K]>;
};
export type ResultShape<M extends MonoInput> = {
  -readonly [K in keyof M]: Result<MonoOkType<M[K]>, MonoErrType<M[K]>>;
};
export type ErrOf<M extends MonoInput> = M extends readonly AnyMono[]
  ? MonoErrType<M[number]>
  : MonoErrType<M[keyof M]>;

type CombineMode = 'all' | 'allSettled' | 'any';

/** The mono of {@link MonoResult.all} / `allSettled` / `any` (checks its arguments). */
export function combine(
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
    if (!isMonoResult(m)) {
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
  const timed = list.some((m) => m.meta.timed);
  return monoOf<unknown, unknown>((ctx) => {
    if (n === 0) {
      if (ctx.aborted) throw ctx.reason;
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
          const itemCtx: RunContext = newContext(
            child.signal,
            timing === undefined
              ? undefined
              : { start: timing.start, mark: timing.mark },
          );
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
