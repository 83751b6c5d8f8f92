import { OptionsChecker } from '../rfs.options-errors';
import { RFS_LOG_LEVELS, type RfsLogLevel } from './log-levels';

export type { RfsLogLevel } from './log-levels';

/** Options of the `logging` section (structured Result logging on nestjs-pino). */
export class LoggingOptions {
  /** Level of Ok lines. */
  level: RfsLogLevel = 'info';
  /** Level of Err lines (defects are always `error`). */
  errLevel: RfsLogLevel = 'warn';
  /** Key names redacted at any depth in logged args, results and error details. */
  redact: string[] = [
    'password',
    'token',
    'secret',
    'authorization',
    'cookie',
    'apiKey',
  ];
  /** Ok lines over this duration are written at `warn` with `slow: true`. */
  slowMs = 1000;
  /** Fraction (0–1) of Ok lines written. */
  sampleRate = 1;
  /**
   * Log the outcome of every controller handler inside the single HTTP pass (either pipeline). With `false`,
   * only handlers decorated with `@LogResultOperation` are logged (still once, by that pass).
   */
  logHttpHandlers = true;
}

/** Validates a user's `logging` section; problems go to `check`. */
export function checkLoggingOptions(
  check: OptionsChecker,
  value: unknown,
): void {
  if (value === undefined || value === false) return;
  const p = 'logging';
  if (!check.object(p, value)) return;
  check.knownKeys(p, value, Object.keys(new LoggingOptions()));
  check.oneOf(`${p}.level`, value.level, RFS_LOG_LEVELS);
  check.oneOf(`${p}.errLevel`, value.errLevel, RFS_LOG_LEVELS);
  check.stringArray(`${p}.redact`, value.redact);
  check.number(`${p}.slowMs`, value.slowMs, { min: 0 });
  check.number(`${p}.sampleRate`, value.sampleRate, { min: 0, max: 1 });
  check.boolean(`${p}.logHttpHandlers`, value.logHttpHandlers);
}
