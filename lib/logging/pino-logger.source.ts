/** The slice of a pino `Logger` that nestjs-rfs writes to (any pino logger or child fits). */
export interface PinoLoggerLike {
  /** Numeric value of the logger's current level. */
  readonly levelVal: number;
  /** Level names to numeric values. */
  readonly levels: { readonly values: Readonly<Record<string, number>> };
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  fatal(obj: object, msg?: string): void;
}

/**
 * Where `ResultLogger` gets its pino logger: a pino logger, or nestjs-pino's `PinoLogger`
 * (whose `logger` is the request's logger inside a request, so lines carry pino-http's bindings).
 */
export type PinoLoggerSource =
  PinoLoggerLike | { readonly logger: PinoLoggerLike };
