import type { PinoLoggerLike } from '../logging/result-logger';
import type { ResultLogEntry } from '../logging/result-log-entry';
import { PINO_LEVELS, type RfsLogLevel } from '../logging/log-levels';
import type { OperationOutcome } from '../result/outcome';
import type { RfsClock } from '../rfs.clock';

export { PINO_LEVELS };

/** Filter of {@link RfsLogCapture.entries}: every given field must match. */
export interface LogEntryFilter {
  /** A level name (`'warn'`) or pino number (`40`). */
  level?: RfsLogLevel | number;
  operation?: string;
  outcome?: OperationOutcome;
  /** A correlation id, or `null` for lines written outside any correlation context. */
  correlationId?: string | null;
  step?: string;
}

/** Options of {@link RfsLogCapture}. */
export interface RfsLogCaptureOptions {
  /** Lowest level captured (default `'trace'`: everything). */
  level?: RfsLogLevel;
  /** Clock of the lines' `time` (default the system time). */
  clock?: RfsClock;
}

type PinoModule = typeof import('pino');

/**
 * In-memory Result log lines: a real pino logger whose destination parses each JSON line, so
 * captured entries are exactly what production writes ({@link ResultLogEntry}). The testing
 * module plugs it under `ResultLogger`; use it directly with `new ResultLogger(capture.logger, …)`.
 *
 * @example
 * ```ts
 * const { capture } = await resultTestContext({ providers: [OrdersService] });
 * await orders.create(dto);
 * expect(capture.entries({ operation: 'OrdersService.create', outcome: 'ok' })).toHaveLength(1);
 * ```
 */
export class RfsLogCapture {
  /** The pino logger that writes into this capture. */
  readonly logger: PinoLoggerLike;
  private readonly lines: ResultLogEntry[] = [];

  constructor(options: RfsLogCaptureOptions = {}) {
    const pino = loadPino();
    const clock = options.clock;
    const destination = {
      write: (line: string): void => {
        try {
          this.lines.push(JSON.parse(line) as ResultLogEntry);
        } catch {
          // pino writes one JSON object per line; anything else is not a Result line
        }
      },
    };
    this.logger = pino(
      {
        level: options.level ?? 'trace',
        base: undefined,
        ...(clock ? { timestamp: () => `,"time":${clock.now()}` } : {}),
      },
      destination,
    ) as unknown as PinoLoggerLike;
  }

  /** Captured lines, oldest first, that match every field of `filter`. */
  entries(filter: LogEntryFilter = {}): ResultLogEntry[] {
    const level =
      typeof filter.level === 'string'
        ? PINO_LEVELS[filter.level]
        : filter.level;
    if (filter.level !== undefined && level === undefined) {
      throw new RangeError(
        `RfsLogCapture.entries: level must be one of ${Object.keys(PINO_LEVELS).join(', ')} or a pino number, got ${String(filter.level)}.`,
      );
    }
    return this.lines.filter(
      (e) =>
        (level === undefined || e.level === level) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.outcome === undefined || e.outcome === filter.outcome) &&
        (filter.correlationId === undefined ||
          (e.correlationId ?? null) === filter.correlationId) &&
        (filter.step === undefined || e.step === filter.step),
    );
  }

  /** Forgets every captured line. */
  clear(): void {
    this.lines.length = 0;
  }
}

function loadPino(): (options: object, destination: object) => unknown {
  let mod: PinoModule;
  try {
    // pino is an optional peer (it comes with nestjs-pino): load it only when a capture is made.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('pino') as PinoModule;
  } catch {
    throw new Error(
      'RfsLogCapture needs the pino package (installed with nestjs-pino): npm install -D pino',
    );
  }
  const fn = (mod as unknown as { pino?: unknown }).pino ?? mod;
  return fn as (options: object, destination: object) => unknown;
}
