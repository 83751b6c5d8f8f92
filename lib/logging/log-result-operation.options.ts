import type { OperationLogOptions } from '../operations/operation-event';
import { RFS_LOG_LEVELS, type RfsLogLevel } from './log-levels';

/** Options of `@LogResultOperation`. Unset fields fall back to the `logging` section. */
export interface LogResultOperationOptions {
  /** Level of Ok lines (default `logging.level`, `info`). */
  readonly level?: RfsLogLevel;
  /** Level of Err lines (default `logging.errLevel`, `warn`); defects are always `error`. */
  readonly errLevel?: RfsLogLevel;
  /** Log the call's arguments (redacted). */
  readonly includeArgs?: boolean;
  /** Log the Ok value (redacted). */
  readonly includeResult?: boolean;
  /** Over this duration (ms) an Ok line is written at `warn` with `slow: true`. */
  readonly slowMs?: number;
  /** Fraction (0–1) of Ok lines written; Err, defect and slow lines are always written. */
  readonly sampleRate?: number;
}

/**
 * Checks the options of `@LogResultOperation` at decoration time; throws a TypeError that names
 * every bad field and what it accepts. Returns a frozen copy.
 */
export function checkLogResultOperationOptions(
  o: LogResultOperationOptions,
): OperationLogOptions {
  const problems: string[] = [];
  if (typeof o !== 'object' || o === null) {
    throw new TypeError(
      '@LogResultOperation(name?, options?): options must be an object.',
    );
  }
  const known = [
    'level',
    'errLevel',
    'includeArgs',
    'includeResult',
    'slowMs',
    'sampleRate',
  ];
  for (const key of Object.keys(o)) {
    if (!known.includes(key))
      problems.push(
        `${key} is not a known option; accepted: ${known.join(', ')}`,
      );
  }
  for (const key of ['level', 'errLevel'] as const) {
    const v = o[key];
    if (v !== undefined && !(RFS_LOG_LEVELS as readonly unknown[]).includes(v))
      problems.push(
        `${key} must be one of ${RFS_LOG_LEVELS.join(', ')}, got ${String(v)}`,
      );
  }
  for (const key of ['includeArgs', 'includeResult'] as const) {
    const v = o[key];
    if (v !== undefined && typeof v !== 'boolean')
      problems.push(`${key} must be true or false`);
  }
  if (
    o.slowMs !== undefined &&
    !(
      typeof o.slowMs === 'number' &&
      Number.isFinite(o.slowMs) &&
      o.slowMs >= 0
    )
  )
    problems.push(`slowMs must be a number ≥ 0, got ${String(o.slowMs)}`);
  if (
    o.sampleRate !== undefined &&
    !(
      typeof o.sampleRate === 'number' &&
      o.sampleRate >= 0 &&
      o.sampleRate <= 1
    )
  )
    problems.push(
      `sampleRate must be a number between 0 and 1, got ${String(o.sampleRate)}`,
    );
  if (problems.length > 0) {
    throw new TypeError(
      `Invalid @LogResultOperation options:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return Object.freeze({ ...o });
}
