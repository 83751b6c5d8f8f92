import { PINO_LEVELS } from './log-levels';
import type { LoggingOptions, RfsLogLevel } from './logging.options';
import type { PinoLoggerLike } from './pino-logger.source';
import type { LineInput } from './result-log-line.builder';

/** Whether an Ok line is slow: the caller's verdict, else its duration over `slowMs`. */
export function isSlowLine(input: LineInput, options: LoggingOptions): boolean {
  return input.slow ?? input.durationMs > (input.log?.slowMs ?? options.slowMs);
}

/**
 * The level to write `input` at, or `undefined` to drop it: Ok at `level` (slow lines at least
 * `warn`, fast ones sampled by `sampleRate`), Err at `errLevel`, defects at `error`; nothing
 * below the logger's level.
 */
export function resultLogLevel(
  input: LineInput,
  slow: boolean,
  options: LoggingOptions,
  logger: PinoLoggerLike,
  random: () => number,
): RfsLogLevel | undefined {
  let level: RfsLogLevel;
  if (input.outcome === 'ok') {
    level = input.log?.level ?? options.level;
    if (slow) {
      if (PINO_LEVELS[level] < PINO_LEVELS.warn) level = 'warn';
    } else {
      if (!isEnabled(logger, level)) return undefined;
      const rate = input.log?.sampleRate ?? options.sampleRate;
      if (rate < 1 && !(random() < rate)) return undefined;
    }
  } else {
    level =
      input.outcome === 'err'
        ? (input.log?.errLevel ?? options.errLevel)
        : 'error';
  }
  return isEnabled(logger, level) ? level : undefined;
}

function isEnabled(logger: PinoLoggerLike, level: RfsLogLevel): boolean {
  const v = logger.levels.values[level];
  return v !== undefined && v >= logger.levelVal;
}
