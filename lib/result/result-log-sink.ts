import type { OperationOutcome } from './outcome';

/** Log levels a {@link ResultLogRecord} may ask for. */
export type ResultLogLevel =
  'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * One log request from `MonoResult.logStep/logError/logPerformance` or
 * `FluxResult.logResults`. `lib/result` knows nothing of pino: RfsModule installs a sink that
 * turns these into `ResultLogEntry` lines.
 */
export interface ResultLogRecord {
  /** Which API produced the record. */
  readonly kind: 'step' | 'error' | 'performance' | 'flux';
  /** Operation (or step) name given by the caller; `undefined` for `logError()` without context. */
  readonly name?: string;
  /** How the mono (or step) ended. */
  readonly outcome: OperationOutcome;
  /** Duration in ms (for steps: since the previous step ended, not cumulative). */
  readonly durationMs: number;
  /** The Err's error or the defect. */
  readonly error?: unknown;
  /** Requested level, if any. */
  readonly level?: ResultLogLevel;
  /** Set by `logPerformance` when `durationMs > slowMs`. */
  readonly slow?: boolean;
  /** FluxResult item counts (`logResults`). */
  readonly flux?: { readonly ok: number; readonly err: number };
  /** Context passed to `logError(context)`. */
  readonly context?: unknown;
}

/** Receives {@link ResultLogRecord}s. Implementations must never throw. */
export interface ResultLogSink {
  log(record: ResultLogRecord): void;
}

const noopSink: ResultLogSink = { log: () => undefined };
let currentSink: ResultLogSink = noopSink;

/**
 * Installs the sink that MonoResult/FluxResult log methods write to. RfsModule installs its
 * nestjs-pino sink at init; without Nest, call this yourself. `undefined` restores the no-op.
 */
export function setResultLogSink(sink: ResultLogSink | undefined): void {
  currentSink = sink ?? noopSink;
}

/** The installed sink (a no-op until one is installed). */
export function getResultLogSink(): ResultLogSink {
  return currentSink;
}

/** Writes a record to the installed sink; a sink that throws never reaches the caller. */
export function emitResultLog(record: ResultLogRecord): void {
  try {
    currentSink.log(record);
  } catch {
    // observability never throws into business code
  }
}
