// One log line per HTTP request: the Result fields of a controller handler ride on pino-http's
// "request completed" line instead of a second line (rfsPinoHttp's `resultLine: 'merge'`, the
// default).
import type { Options as PinoHttpOptions } from 'pino-http';
import { CorrelationContext } from '../correlation/correlation-context';
import { httpExchangeOf } from '../correlation/correlation.middleware';
import { describeValue } from '../rfs.options-errors';
import { PINO_LEVELS, type RfsLogLevel } from './log-levels';

/** Where the slot of a request's merged line lives on its Node response. */
const SLOT = Symbol.for('rfs:pino-http-result-line');

/** The merged line of one response: pino-http will write it, with these fields. */
interface LineSlot {
  /** pino-http wrote the line already: later Result fields need their own line. */
  written: boolean;
  fields: Record<string, unknown> | undefined;
  level: RfsLogLevel | undefined;
  /** Writes the fields as their own line (pino-http's line turned out `silent`). */
  writeOwn: (() => void) | undefined;
}

type SlotHolder = { [SLOT]?: LineSlot };

/**
 * Hands the Result fields of the current HTTP request's handler to pino-http's "request
 * completed" line. `true` when that line will carry them (rfsPinoHttp with `resultLine:
 * 'merge'`, the default, handles this request and has not written its line yet); `false` means the caller
 * writes its own line. `writeOwn` writes that line later if pino-http's line turns out
 * `silent` (the user's `customLogLevel`), so the Result fields are never lost.
 *
 * @internal called by ResultLogger for `source: 'http'` lines
 */
export function offerRequestLineFields(
  fields: Record<string, unknown>,
  level: RfsLogLevel,
  writeOwn: () => void,
): boolean {
  const res = httpExchangeOf(CorrelationContext.storage.getStore())?.res as
    SlotHolder | undefined;
  const slot = res?.[SLOT];
  if (slot === undefined || slot.written || slot.fields !== undefined)
    return false;
  slot.fields = fields;
  slot.level = level;
  slot.writeOwn = writeOwn;
  return true;
}

/** rfsPinoHttp's own settings (second argument). */
export interface RfsPinoHttpSettings {
  /**
   * Where a controller handler's Result fields (`operation`, `outcome`, `durationMs`, `error`,
   * `http`, `service`, `environment`, …) go. `'merge'` (default) puts them on pino-http's
   * "request completed" line: one line per request, as with nestjs-pino alone, raised to the
   * Result's level (`logging.errLevel`, `warn` by default, for an Err; `error` for a defect).
   * Requests without a correlation context (correlation off or the route excluded), responses
   * pino-http does not log (`autoLogging`, a `customLogLevel` of `'silent'`) and outcomes known
   * only after the response ended (a stream the client closed) still get their own Result line.
   * `'separate'` writes every handler's Result line (a `ResultLogEntry`) next to pino-http's
   * "request completed" (two lines per request).
   *
   * @example
   * ```ts
   * LoggerModule.forRoot({
   *   pinoHttp: rfsPinoHttp({ level: 'info' }, { resultLine: 'separate' }),
   * });
   * ```
   */
  readonly resultLine?: RfsPinoHttpResultLine;
}

/** Accepted values of {@link RfsPinoHttpSettings.resultLine}. */
export type RfsPinoHttpResultLine = 'merge' | 'separate';

const RESULT_LINES: readonly RfsPinoHttpResultLine[] = ['merge', 'separate'];

/**
 * The `resultLine` of rfsPinoHttp's settings (`'merge'` when absent). Throws a `TypeError`
 * naming the setting and the accepted values for anything else: a typo would otherwise
 * silently change what every request logs.
 *
 * @internal used by rfsPinoHttp
 */
export function resultLineOf(settings: unknown): RfsPinoHttpResultLine {
  if (settings === undefined) return 'merge';
  if (typeof settings !== 'object' || settings === null)
    throw new TypeError(
      `rfsPinoHttp(options, settings): settings must be an object such as { resultLine: 'merge' }, got ${describeValue(settings)}`,
    );
  const value = (settings as { resultLine?: unknown }).resultLine;
  if (value === undefined) return 'merge';
  if (RESULT_LINES.includes(value as RfsPinoHttpResultLine))
    return value as RfsPinoHttpResultLine;
  throw new TypeError(
    `rfsPinoHttp(options, settings): resultLine must be one of ${RESULT_LINES.map((v) => `'${v}'`).join(', ')}, got ${describeValue(value)}`,
  );
}

type Fn<K extends keyof PinoHttpOptions> = NonNullable<PinoHttpOptions[K]>;
type ObjectFn = (
  req: unknown,
  res: unknown,
  val: object,
  ...rest: unknown[]
) => unknown;
type LevelFn = (req: unknown, res: unknown, err?: Error) => string;

/**
 * The pino-http options that make "request completed" carry the Result fields: a
 * `customProps` that opens the response's slot (only when pino-http will log it),
 * `customSuccessObject` / `customErrorObject` that add the fields, and a `customLogLevel`
 * that raises the line to the Result's level (Err → `logging.errLevel`). The user's own
 * functions still run.
 *
 * @internal used by rfsPinoHttp
 */
export function mergedLineOptions(
  base: PinoHttpOptions,
): Pick<
  PinoHttpOptions,
  'customProps' | 'customSuccessObject' | 'customErrorObject' | 'customLogLevel'
> {
  const autoLogging = base.autoLogging;
  if (autoLogging === false) return {};
  const userProps = base.customProps;
  const userIgnore =
    typeof autoLogging === 'object' ? autoLogging.ignore : undefined;
  const customProps = (req: unknown, res: unknown): object | undefined => {
    // an ignored request gets no "request completed" line: its Result fields need their own
    if (userIgnore === undefined || !userIgnore(req as never)) openSlot(res);
    return typeof userProps === 'function'
      ? userProps(req as never, res as never)
      : userProps;
  };
  const userSuccess = base.customSuccessObject as ObjectFn | undefined;
  const userError = base.customErrorObject as ObjectFn | undefined;
  const userLevel = base.customLogLevel as LevelFn | undefined;
  const useLevel = base.useLevel ?? 'info';
  const customLogLevel = (req: unknown, res: unknown, err?: Error): string => {
    const own = userLevel
      ? userLevel(req, res, err)
      : err !== undefined || statusOf(res) >= 500
        ? 'error'
        : useLevel;
    const slot = (res as SlotHolder | undefined)?.[SLOT];
    const level = slot?.level;
    if (level === undefined) return own;
    if (own === 'silent') {
      writeOwnLine(slot!);
      return own;
    }
    const ownValue = PINO_LEVELS[own as RfsLogLevel] ?? 0;
    return PINO_LEVELS[level] > ownValue ? level : own;
  };
  return {
    customProps: customProps as Fn<'customProps'>,
    customSuccessObject: ((req, res, val, ...rest) =>
      withFields(
        res,
        userSuccess ? userSuccess(req, res, val, ...rest) : val,
      )) as Fn<'customSuccessObject'>,
    customErrorObject: ((req, res, err, val, ...rest) =>
      withFields(
        res,
        userError ? userError(req, res, err, val, ...rest) : val,
      )) as Fn<'customErrorObject'>,
    customLogLevel: customLogLevel as Fn<'customLogLevel'>,
  };
}

function openSlot(res: unknown): void {
  if (typeof res !== 'object' || res === null) return;
  const holder = res as SlotHolder;
  // pino-http calls customProps again when it writes the line: keep the first slot
  if (holder[SLOT] === undefined)
    holder[SLOT] = {
      written: false,
      fields: undefined,
      level: undefined,
      writeOwn: undefined,
    };
}

/** pino-http writes no line for this response: the Result fields get their own (once). */
function writeOwnLine(slot: LineSlot): void {
  const write = slot.writeOwn;
  slot.written = true;
  slot.fields = undefined;
  slot.writeOwn = undefined;
  try {
    write?.();
  } catch {
    // a logging failure never reaches pino-http's response handling
  }
}

function withFields(res: unknown, val: unknown): unknown {
  const slot = (res as SlotHolder | undefined)?.[SLOT];
  if (slot === undefined) return val;
  slot.written = true;
  const fields = slot.fields;
  if (fields === undefined || typeof val !== 'object' || val === null)
    return val;
  return Object.assign(val, fields);
}

function statusOf(res: unknown): number {
  const status = (res as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : 200;
}
