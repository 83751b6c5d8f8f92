import type { OperationOutcome } from '../result/outcome';

/** The error part of a {@link ResultLogEntry}. */
export interface ResultLogError {
  /** Error class name (`RfsError`, `TypeError`, …) or `typeof` of a non-Error value. */
  readonly type: string;
  /** The error's `code` (`NOT_FOUND`, …); `DEFECT` for an exception without a code, `UNKNOWN` otherwise. */
  readonly code: string;
  /** The error message (truncated to a bounded length). */
  readonly message: string;
  /** Stack trace; written for defects only. */
  readonly stack?: string;
  /** The error's `details` (redacted), when it has any. */
  readonly details?: unknown;
}

/**
 * One JSON object per Result log line, as written by `ResultLogger`, `@LogResultOperation`,
 * the HTTP interceptor pass and the `MonoResult`/`FluxResult` log methods. Lines also carry the
 * request-scoped fields set through `CorrelationService.set` (top-level keys) and whatever the
 * user's pino bindings add (`req`, `context`, …).
 *
 * @example
 * ```json
 * {"level":30,"time":1764150000000,"msg":"OrdersService.create ok","service":"orders",
 *  "environment":"production","correlationId":"6f1c…","operation":"OrdersService.create",
 *  "outcome":"ok","durationMs":2.41,"valueType":"Order"}
 * ```
 */
export interface ResultLogEntry {
  /** pino level: a number (`30` = info, `40` = warn, `50` = error) unless the app's pino `formatters.level` writes labels. */
  readonly level: number | string;
  /** pino time (epoch ms unless the app's pino `timestamp` says otherwise). */
  readonly time: number | string;
  /** `<operation>[ step <step>] <outcome>[ (slow)]`: no numbers, so lines group by message. */
  readonly msg: string;
  /** `serviceName` option. */
  readonly service: string;
  /** `environment` option. */
  readonly environment: string;
  /** Correlation id of the request, message or job; `null` outside any correlation context. */
  readonly correlationId: string | null;
  /** Operation name (`Class.method`, a decorator name or a route's operation). */
  readonly operation: string;
  /** Step name (`MonoResult.logStep`, `ResultLogger.logStep`). */
  readonly step?: string;
  /** How it ended. */
  readonly outcome: OperationOutcome;
  /** Duration in milliseconds (3 decimals). */
  readonly durationMs: number;
  /** Type of the Ok value (`string`, `array`, `null`, a class name, …). */
  readonly valueType?: string;
  /** The Err's error or the defect. */
  readonly error?: ResultLogError;
  /** `true` when the duration went over `slowMs` (the line is then at least `warn`). */
  readonly slow?: true;
  /** Structured fields given by the caller (redacted). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Redacted arguments (`includeArgs`). */
  readonly args?: readonly unknown[];
  /** Redacted Ok value (`includeResult`). */
  readonly result?: unknown;
  /** Item counts of a FluxResult. */
  readonly flux?: { readonly ok: number; readonly err: number };
  /** HTTP facts when the operation is a controller handler. */
  readonly http?: {
    readonly method: string;
    readonly route: string;
    readonly status: number;
  };
}
