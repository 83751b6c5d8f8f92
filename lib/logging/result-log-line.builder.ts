import { CorrelationContext } from '../correlation/correlation-context';
import type { OperationEvent } from '../operations/operation-event';
import { isCodedError } from '../result/rfs.error';
import type { LogRedactor } from './log-redactor';
import type { ResultLogError } from './result-log-entry';

/** One line to write (an operation event plus the few things only direct calls have). */
export interface LineInput extends Pick<
  OperationEvent,
  | 'operation'
  | 'outcome'
  | 'durationMs'
  | 'error'
  | 'value'
  | 'args'
  | 'flux'
  | 'correlationId'
  | 'log'
  | 'http'
  | 'metadata'
> {
  readonly step?: string;
  /** Slow decided by the caller (`logPerformance`). */
  readonly slow?: boolean;
}

/**
 * Marks a Result line that already holds everything rfsPinoHttp's pino `mixin` would add (the
 * correlation id and the request-scoped fields): the mixin then adds nothing, so pino skips
 * its per-line merge. A symbol key: pino and JSON.stringify never write it.
 *
 * @internal shared with rfsPinoHttp
 */
export const COMPLETE_LINE = Symbol.for('rfs:complete-result-line');

/** The fields of a {@link ResultLogEntry} that nestjs-rfs writes (pino adds level/time/msg). */
export function buildResultLogLine(
  input: LineInput,
  slow: boolean,
  noValue: boolean,
  redactor: LogRedactor,
  service: string,
  environment: string,
): Record<string, unknown> {
  const store = CorrelationContext.storage.getStore();
  const line: Record<string | symbol, unknown> = {};
  if (store !== undefined && store.fields.size > 0) {
    for (const [k, v] of store.fields)
      line[k] = redactor.isRedactedKey(k) ? '[Redacted]' : redactor.redact(v);
  }
  line.service = service;
  line.environment = environment;
  line.correlationId = store?.id ?? input.correlationId ?? null;
  line.operation = input.operation;
  if (input.step !== undefined) line.step = input.step;
  line.outcome = input.outcome;
  line.durationMs = round3(input.durationMs);
  if (input.outcome === 'ok') {
    if (!noValue && input.flux === undefined)
      line.valueType = valueTypeOf(input.value);
  } else if (input.error !== undefined || input.outcome === 'defect') {
    line.error = describeResultLogError(
      input.error,
      input.outcome === 'defect',
      redactor,
    );
  }
  if (slow) line.slow = true;
  if (input.metadata !== undefined)
    line.metadata = redactor.redact(input.metadata);
  if (input.log?.includeArgs && input.args !== undefined)
    line.args = redactor.redact(input.args);
  if (input.log?.includeResult && input.outcome === 'ok')
    line.result = redactor.redact(input.value);
  if (input.flux !== undefined)
    line.flux = { ok: input.flux.ok, err: input.flux.err };
  if (input.http !== undefined)
    line.http = {
      method: input.http.method,
      route: input.http.route,
      status: input.http.status,
    };
  line[COMPLETE_LINE] = true;
  return line;
}

/** A message without numbers, so log tools can group lines by it (`durationMs` has the time). */
export function resultLogMessage(input: LineInput, slow: boolean): string {
  const step = input.step !== undefined ? ` step ${input.step}` : '';
  return `${input.operation}${step} ${input.outcome}${slow ? ' (slow)' : ''}`;
}

/** The error part of a line: type, code, message; stack for defects; redacted details. */
export function describeResultLogError(
  error: unknown,
  defect: boolean,
  r: LogRedactor,
): ResultLogError {
  try {
    if (error instanceof Error) {
      const code = readCode(error);
      const details = readDetails(error);
      return {
        type: safeString(() => error.name) || 'Error',
        code: code ?? (defect ? 'DEFECT' : 'UNKNOWN'),
        message: r.truncate(safeString(() => error.message)),
        ...(defect
          ? { stack: r.truncate(safeString(() => error.stack ?? '')) }
          : {}),
        ...(details !== undefined ? { details: r.redact(details) } : {}),
      };
    }
    if (isCodedError(error)) {
      const details = readDetails(error);
      return {
        type: valueTypeOf(error),
        code: error.code,
        message: r.truncate(
          typeof error.message === 'string' ? error.message : error.code,
        ),
        ...(details !== undefined ? { details: r.redact(details) } : {}),
      };
    }
    const message =
      typeof error === 'string'
        ? error
        : (JSON.stringify(r.redact(error)) ?? String(error));
    return {
      type: valueTypeOf(error),
      code: defect ? 'DEFECT' : 'UNKNOWN',
      message: r.truncate(message),
    };
  } catch {
    return { type: 'unknown', code: 'UNKNOWN', message: '[Unserializable]' };
  }
}

/** `string`, `number`, `array`, `null`, `undefined`, a class name, or `object`. */
export function valueTypeOf(value: unknown): string {
  if (value === null) return 'null';
  const t = typeof value;
  if (t !== 'object') return t;
  if (Array.isArray(value)) return 'array';
  try {
    const name = (
      Object.getPrototypeOf(value) as { constructor?: { name?: unknown } }
    )?.constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object'
      ? name
      : 'object';
  } catch {
    return 'object';
  }
}

function round3(ms: number): number {
  return Number.isFinite(ms) ? Math.round(ms * 1000) / 1000 : 0;
}

function readCode(error: Error): string | undefined {
  try {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function readDetails(error: object): unknown {
  try {
    return (error as { details?: unknown }).details;
  } catch {
    return undefined;
  }
}

function safeString(read: () => unknown): string {
  try {
    const v = read();
    return typeof v === 'string' ? v : String(v ?? '');
  } catch {
    return '';
  }
}
