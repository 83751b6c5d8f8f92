import type {
  OperationEvent,
  OperationListener,
  OperationLogOptions,
} from '../operations/operation-event';
import type { OperationHub } from '../operations/operation-hub';
import type { Result } from '../result/result';
import type { ResultLogRecord } from '../result/result-log-sink';
import { LogRedactor } from './log-redactor';
import { LoggingOptions, type RfsLogLevel } from './logging.options';
import type { PinoLoggerLike, PinoLoggerSource } from './pino-logger.source';
import type { ResultLogError } from './result-log-entry';
import { offerRequestLineFields } from './rfs-pino-http-line';
import { isSlowLine, resultLogLevel } from './result-log-level.policy';
import {
  type LineInput,
  buildResultLogLine,
  describeResultLogError,
  resultLogMessage,
} from './result-log-line.builder';
import { eventOf, outcomeLine } from './result-logger.events';
import { okLineThresholdMs, watchLevelChanges } from './result-logger.interest';

export type { PinoLoggerLike, PinoLoggerSource } from './pino-logger.source';
export { valueTypeOf } from './result-log-line.builder';

/** What `ResultLogger` needs besides a logger (RfsModule passes the resolved options). */
export interface ResultLoggerSettings {
  /** `service` on every line. */
  readonly serviceName: string;
  /** `environment` on every line. */
  readonly environment: string;
  /** The `logging` section; `false` makes every method a no-op. */
  readonly logging: Partial<LoggingOptions> | false;
  /** Random source of Ok-line sampling (default `Math.random`). */
  readonly random?: () => number;
  /** Clock of `startOperation`/`completeOperation`, in ms (default `performance.now`). */
  readonly now?: () => number;
}

/** Extra fields of `logResult`/`logStep`/`logError`/`logPerformance`. */
export interface ResultLogOptions {
  /** Duration in ms (default 0). */
  readonly durationMs?: number;
  /** Structured fields for the line (redacted). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Level of an Ok line (default `logging.level`). */
  readonly level?: RfsLogLevel;
}

/** A running operation returned by {@link ResultLogger.startOperation}. */
export interface RunningOperation {
  /** Operation name. */
  readonly operation: string;
  /** Start time on the logger's clock (ms). */
  readonly startedAt: number;
  /** Fields given at start. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Writes Result log lines ({@link ResultLogEntry}) through pino. It is the logging listener of
 * the {@link OperationHub} (decorated methods, HTTP handlers) and the target of the
 * `MonoResult`/`FluxResult` log methods. Every method swallows its own failures: logging never
 * throws into business code.
 *
 * @example
 * ```ts
 * constructor(private readonly results: ResultLogger) {}
 *
 * const op = this.results.startOperation('import.batch', { file });
 * const result = await this.importer.run(file);
 * this.results.completeOperation(op, result); // one line (+ metrics through the hub)
 * ```
 */
export class ResultLogger implements OperationListener {
  private readonly options: LoggingOptions | undefined;
  private readonly redactor: LogRedactor;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly service: string;
  private readonly environment: string;
  private readonly holder: { readonly logger: PinoLoggerLike } | undefined;
  /**
   * {@link OperationListener}: the Ok-line threshold follows the request's logger with
   * nestjs-pino's PinoLogger (or a logger whose level changes cannot be watched): asked per call.
   */
  readonly okEventThresholdPerCall: boolean;

  constructor(
    private readonly source: PinoLoggerSource,
    settings: ResultLoggerSettings,
    private readonly hub?: OperationHub,
  ) {
    this.holder =
      typeof (source as PinoLoggerLike).levelVal === 'number'
        ? undefined
        : (source as { readonly logger: PinoLoggerLike });
    this.options =
      settings.logging === false
        ? undefined
        : { ...new LoggingOptions(), ...settings.logging };
    this.redactor = new LogRedactor(this.options?.redact ?? []);
    this.random = settings.random ?? Math.random;
    this.now = settings.now ?? (() => performance.now());
    this.service = settings.serviceName;
    this.environment = settings.environment;
    this.okEventThresholdPerCall =
      this.options !== undefined &&
      (this.holder !== undefined ||
        !watchLevelChanges(source as PinoLoggerLike));
  }

  /** Whether lines are written at all (`logging` not `false`). */
  get enabled(): boolean {
    return this.options !== undefined;
  }

  /** The redactor applied to args, results, metadata and error details. */
  get redaction(): LogRedactor {
    return this.redactor;
  }

  /**
   * Logs the outcome of a finished operation: Ok at `logging.level`, Err at `logging.errLevel`.
   * Anything that is not a Result is logged as an Ok value.
   */
  logResult(
    operation: string,
    result: Result<unknown, unknown> | unknown,
    options: ResultLogOptions = {},
  ): void {
    this.safely(() =>
      this.write(outcomeLine(operation, undefined, result, options)),
    );
  }

  /** Logs one step of an operation (`step` field), with the step's own duration. */
  logStep(
    operation: string,
    step: string,
    result: Result<unknown, unknown> | unknown,
    options: ResultLogOptions = {},
  ): void {
    this.safely(() =>
      this.write(outcomeLine(operation, step, result, options)),
    );
  }

  /**
   * Logs an error of `operation`: an expected failure (`err`, at `logging.errLevel`) or, with
   * `defect: true`, an exception (`defect`, at `error`, with its stack).
   */
  logError(
    operation: string,
    error: unknown,
    options: ResultLogOptions & { readonly defect?: boolean } = {},
  ): void {
    this.safely(() =>
      this.write({
        operation,
        outcome: options.defect ? 'defect' : 'err',
        durationMs: options.durationMs ?? 0,
        error,
        metadata: options.metadata,
      }),
    );
  }

  /** Logs a duration; over `slowMs` (default `logging.slowMs`) at `warn` with `slow: true`. */
  logPerformance(
    operation: string,
    durationMs: number,
    options: {
      readonly slowMs?: number;
      readonly metadata?: Readonly<Record<string, unknown>>;
    } = {},
  ): void {
    this.safely(() => {
      const slowMs = options.slowMs ?? this.options?.slowMs ?? Infinity;
      this.write({
        operation,
        outcome: 'ok',
        durationMs,
        slow: durationMs > slowMs,
        metadata: options.metadata,
      });
    });
  }

  /** Starts timing `operation`; pass the handle to {@link completeOperation}. */
  startOperation(
    operation: string,
    metadata?: Readonly<Record<string, unknown>>,
  ): RunningOperation {
    let startedAt = 0;
    try {
      startedAt = this.now();
    } catch {
      // a broken clock gives a 0 ms duration, never an exception
    }
    return { operation, startedAt, metadata };
  }

  /**
   * Ends a running operation with its Result (or thrown error with `{ defect: true }`) and
   * hands ONE operation event to the hub, so the log line and the metrics share this timing.
   */
  completeOperation(
    running: RunningOperation,
    result: Result<unknown, unknown> | unknown,
    options: { readonly defect?: boolean } = {},
  ): void {
    this.safely(() => {
      const durationMs = Math.max(0, this.now() - running.startedAt);
      const event = eventOf(
        running.operation,
        result,
        durationMs,
        options.defect === true,
        running.metadata,
      );
      if (this.hub) this.hub.emit(event);
      else this.onOperation(event);
    });
  }

  /** {@link OperationListener}: writes the line of a finished operation. */
  onOperation(event: OperationEvent): void {
    if (this.options === undefined) return;
    // `logHttpHandlers: false` silences plain handlers; a `@LogResultOperation` handler (its
    // options ride on the event) still gets the line its decorator asks for.
    if (
      event.source === 'http' &&
      event.log === undefined &&
      !this.options.logHttpHandlers
    )
      return;
    try {
      // the HTTP pass reports no value: no `valueType: 'undefined'` on its lines (a flag, not
      // a copy of the event: a spread copy is a slow object for every read that follows)
      this.write(event, event.source === 'http' && event.value === undefined);
    } catch {
      // observability never throws into business code
    }
  }

  /**
   * {@link OperationListener}: the duration an `ok` event must exceed to be logged at the
   * logger's current level (`Infinity` below the level with no slow line possible), so that
   * emitters skip events no line would come from.
   */
  okEventThresholdMs(
    _operation: string,
    log: OperationLogOptions | undefined,
  ): number {
    try {
      return okLineThresholdMs(this.options, log, this.logger());
    } catch {
      return -Infinity;
    }
  }

  /** Writes a record of `MonoResult.logStep/logError/logPerformance` or `FluxResult.logResults`. */
  logRecord(record: ResultLogRecord): void {
    if (this.options === undefined) return;
    this.safely(() => {
      const name = record.name ?? (record.kind === 'flux' ? 'flux' : 'mono');
      const context = record.context;
      this.write({
        operation: name,
        step: record.kind === 'step' ? name : undefined,
        outcome: record.outcome,
        durationMs: record.durationMs,
        error: record.error,
        flux: record.flux,
        slow: record.kind === 'performance' ? record.slow === true : undefined,
        log: record.level ? { level: record.level } : undefined,
        metadata:
          context === undefined
            ? undefined
            : typeof context === 'object' && context !== null
              ? (context as Record<string, unknown>)
              : { context },
      });
    });
  }

  /** Writes one line; `noValue`: the input has no value to describe (no `valueType`). */
  private write(input: LineInput, noValue = false): void {
    const options = this.options;
    if (options === undefined || input.log?.silent) return;
    const logger = this.logger();
    const slow = input.outcome === 'ok' && isSlowLine(input, options);
    const level = resultLogLevel(input, slow, options, logger, this.random);
    if (level === undefined) return;
    const line = buildResultLogLine(
      input,
      slow,
      noValue,
      this.redactor,
      this.service,
      this.environment,
    );
    // a handler's fields ride on pino-http's "request completed" line (rfsPinoHttp)
    if (
      input.http !== undefined &&
      offerRequestLineFields(line, level, () =>
        logger[level](line, resultLogMessage(input, slow)),
      )
    )
      return;
    logger[level](line, resultLogMessage(input, slow));
  }

  /** The error part of a line: type, code, message; stack for defects; redacted details. */
  describeError(error: unknown, defect: boolean): ResultLogError {
    return describeResultLogError(error, defect, this.redactor);
  }

  private logger(): PinoLoggerLike {
    // nestjs-pino's PinoLogger: its getter returns the request's logger inside a request
    return this.holder !== undefined
      ? this.holder.logger
      : (this.source as PinoLoggerLike);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // observability never throws into business code
    }
  }
}
