import type { Result } from './result';
import { Err, Ok } from './result.branches';

// `Result.gen`: do-notation over Results with generators (`const v = yield* result`).

/** The error type carried by the Errs a `Result.gen` body yields. */
type YieldedError<Y> = Y extends Err<never, infer E> ? E : never;

/** `Result.gen`: `yield*` a Result to unwrap it; the first Err ends the block. */
export function gen<T, Y extends Err<never, unknown>>(
  body: () => Generator<Y, T, unknown>,
): Result<T, YieldedError<Y>> {
  const it = body();
  const step = it.next();
  if (step.done) return new Ok(step.value);
  // The first yielded value is an Err: stop there and let the generator run its `finally`.
  it.return(undefined as never);
  if (!(step.value instanceof Err)) {
    throw new TypeError(
      'Result.gen: the body yielded a value that is not a Result; use `yield* result` (with the star), not `yield result`',
    );
  }
  return step.value as unknown as Err<T, YieldedError<Y>>;
}
