/**
 * Exponential backoff with "equal jitter": attempt 1 waits between base/2 and base, each next
 * attempt doubles, capped at `maxMs`. Jitter spreads retries of many instances apart.
 */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return cap / 2 + random() * (cap / 2);
}

/** Resolves after `ms` on an unref'd timer (never keeps the process alive). */
export function unrefDelay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
  });
}
