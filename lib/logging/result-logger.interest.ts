import type { OperationLogOptions } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { PINO_LEVELS } from './log-levels';
import type { LoggingOptions } from './logging.options';
import type { PinoLoggerLike } from './pino-logger.source';

/**
 * The duration an `ok` event must exceed for `ResultLogger` to write a line for it, given the
 * logger's current level: `-Infinity` when the Ok level is enabled (every event may be logged,
 * sampling aside), the `slowMs` threshold when only a slow line (at least `warn`) could be
 * written, `Infinity` when no Ok line can be written at all. Mirrors `resultLogLevel`.
 */
export function okLineThresholdMs(
  options: LoggingOptions | undefined,
  log: OperationLogOptions | undefined,
  logger: PinoLoggerLike,
): number {
  if (options === undefined || log?.silent) return Infinity;
  // read once: with nestjs-pino this runs per call, on the request's logger
  const values = logger.levels.values;
  const current = logger.levelVal;
  const level = log?.level ?? options.level;
  const v = values[level];
  if (v !== undefined && v >= current) return -Infinity;
  // a slow Ok line is written at `warn` at least
  const slow = PINO_LEVELS[level] < PINO_LEVELS.warn ? values.warn : v;
  return slow !== undefined && slow >= current
    ? (log?.slowMs ?? options.slowMs)
    : Infinity;
}

const watched = new WeakSet<object>();

/**
 * Makes a level change of `logger` (pino emits `level-change`, also for its children) invalidate
 * the cached {@link okLineThresholdMs} answers (once per logger). Returns `false` for a logger
 * that cannot be watched (a stand-in without `on`): its answer must then be asked per call.
 */
export function watchLevelChanges(logger: PinoLoggerLike): boolean {
  if (watched.has(logger)) return true;
  const emitter = logger as unknown as {
    on?: (event: string, listener: () => void) => unknown;
  };
  if (typeof emitter.on !== 'function') return false;
  try {
    emitter.on('level-change', OperationHub.invalidate);
    watched.add(logger);
    return true;
  } catch {
    return false; // observability never throws
  }
}
