/** Pino level names accepted by the logging options. */
export type RfsLogLevel =
  'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** pino's numeric levels. */
export const PINO_LEVELS: Readonly<Record<RfsLogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** Every {@link RfsLogLevel}, lowest first (the accepted values in option errors). */
export const RFS_LOG_LEVELS = Object.keys(
  PINO_LEVELS,
) as readonly RfsLogLevel[];
