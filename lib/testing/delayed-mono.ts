import type { Result } from '../result/result';
import { MonoResult } from '../result/mono-result';

/**
 * A cold MonoResult that yields `result` `delayMs` after each run starts (a `setTimeout`, so Jest
 * fake timers drive it); aborting the run clears the timer. `delayMs` 0 yields at once.
 */
export function delayedMono<T, E>(
  result: Result<T, E>,
  delayMs: number,
  field = 'delayMs',
): MonoResult<T, E> {
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(
      `${field} must be a finite number >= 0 (milliseconds), got ${String(delayMs)}.`,
    );
  }
  if (delayMs === 0) return MonoResult.fromResult(result);
  return MonoResult.fromAsync(
    (signal) =>
      new Promise<Result<T, E>>((resolve, reject) => {
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        }, delayMs);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
  );
}
