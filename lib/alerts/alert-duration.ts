const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/**
 * Parses a duration such as `'15s'`, `'1m'`, `'1h'` or `'500ms'` (one integer and one unit of
 * ms, s, m, h, d — the subset Prometheus also accepts). Returns `undefined` when malformed.
 *
 * @example parseAlertDuration('5m') // 300000
 */
export function parseAlertDuration(value: string): number | undefined {
  const m = DURATION.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** Like {@link parseAlertDuration} but throws a sentence naming `field` when malformed. */
export function requireAlertDuration(field: string, value: string): number {
  const ms = parseAlertDuration(value);
  if (ms === undefined)
    throw new Error(
      `${field} must be a duration such as '30s', '1m' or '1h' (integer + ms|s|m|h|d), got ${JSON.stringify(value)}`,
    );
  return ms;
}

/** Formats milliseconds as the shortest Prometheus duration (`90000` → `'90s'`). */
export function formatPromDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms)}ms`;
}
