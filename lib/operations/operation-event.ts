import type { OperationOutcome } from '../result/outcome';

/** Per-call logging options carried on an {@link OperationEvent} (from `@LogResultOperation`). */
export interface OperationLogOptions {
  /** Level of Ok lines (default `info`). */
  readonly level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Level of Err lines (default `warn`; defects are always `error`). */
  readonly errLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Log the (redacted) arguments. */
  readonly includeArgs?: boolean;
  /** Log the (redacted) Ok value. */
  readonly includeResult?: boolean;
  /** Over this duration an Ok line is written at `warn` with `slow: true`. */
  readonly slowMs?: number;
  /** Fraction (0–1) of Ok lines written; Err and defect lines are always written. */
  readonly sampleRate?: number;
  /** Write no log line (metrics only). */
  readonly silent?: boolean;
}

/**
 * One finished operation, timed once and handed to every listener (the Result logger and the
 * metrics collector), so a log line and its metric share a single measurement.
 */
export interface OperationEvent {
  /** Operation name (`Class.method`, `@RfsOperation` name or `@LogResultOperation` name). */
  readonly operation: string;
  /** How it ended. */
  readonly outcome: OperationOutcome;
  /** Wall-clock duration in milliseconds. */
  readonly durationMs: number;
  /** Where it was observed. */
  readonly source: 'method' | 'http' | 'mono' | 'flux';
  /** The Err's error or the thrown defect. */
  readonly error?: unknown;
  /** The Ok value (logged only with `includeResult`). */
  readonly value?: unknown;
  /** The call's arguments (logged only with `includeArgs`). */
  readonly args?: readonly unknown[];
  /** Item counts when the operation produced a FluxResult. */
  readonly flux?: { readonly ok: number; readonly err: number };
  /** Correlation id active when the operation finished, if any. */
  readonly correlationId?: string;
  /** Logging options of the decorator or route. */
  readonly log?: OperationLogOptions;
  /** HTTP facts when the operation is a controller handler (`source: 'http'`). */
  readonly http?: {
    readonly method: string;
    /** Route template (`/orders/:id`), never the raw URL. */
    readonly route: string;
    readonly status: number;
  };
  /** Free-form structured fields for the log line. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Receives finished operations. Implementations must never throw. */
export interface OperationListener {
  /** Called once per finished operation. */
  onOperation(event: OperationEvent): void;
  /** Called once per operation name that becomes known (decorated methods, routes). */
  onOperationDeclared?(operation: string): void;
  /**
   * Optional: the duration (ms) an `ok` event of `operation` with `log` options must exceed for
   * this listener to use it (`-Infinity`: every ok event; `Infinity`: none, e.g. Ok lines below
   * the logger's level). Without it the listener gets every event. Emitters cache the answer
   * until {@link OperationHub.invalidate} (listeners call it when their answer may change).
   */
  okEventThresholdMs?(
    operation: string,
    log: OperationLogOptions | undefined,
  ): number;
  /**
   * `true` when {@link okEventThresholdMs} depends on the calling context (e.g. a request's
   * logger): emitters then ask it per call instead of caching it.
   */
  readonly okEventThresholdPerCall?: boolean;
}
