import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  type CorrelationStore,
  createCorrelationStore,
} from './correlation-context';
import { CorrelationOptions } from './correlation.options';
import {
  type CorrelationRejectionSource,
  CorrelationRejections,
} from './correlation-rejections';

/**
 * Hard safety net under any user pattern: visible ASCII only, at most 256 characters. A value
 * outside it could split a response header or flood a log line, whatever the pattern says.
 */
const SAFE_ID = /^[\x21-\x7e]{1,256}$/;

// version-traceid-parentid-flags; version ff is invalid, version 00 has exactly four fields.
const TRACEPARENT =
  /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[\x21-\x7e]*)?$/;
const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_SPAN = '0000000000000000';

/** A parsed W3C `traceparent`. */
export interface TraceParent {
  /** 32 lowercase hex digits, never all zeros. */
  readonly traceId: string;
  /** Span id of the caller: 16 lowercase hex digits, never all zeros. */
  readonly parentId: string;
  /** Trace flags, 2 hex digits (`01` = sampled). */
  readonly flags: string;
}

/** Parses a W3C `traceparent` header; `undefined` when it is not a valid one. */
export function parseTraceparent(value: string): TraceParent | undefined {
  if (value.length > 512) return undefined;
  const m = TRACEPARENT.exec(value);
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined))
    return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, flags };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  // Node joins repeated custom headers with ", " (which the pattern rejects); an array only
  // happens for set-cookie-like headers, where the first value is as good as any.
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * Turns incoming values (headers, message fields) into a correlation store following the
 * `correlation` options: the first present header of `headers`, else the trace-id of a valid
 * `traceparent`, else a generated id. Invalid values are replaced and counted in
 * {@link CorrelationRejections}, never echoed.
 */
export class CorrelationIdResolver {
  private readonly headers: readonly string[];
  private readonly pattern: RegExp;
  private readonly useTraceparent: boolean;
  private readonly generator: (() => string) | undefined;
  /** The pattern is the default one, which already implies {@link SAFE_ID}. */
  private readonly defaultPattern: boolean;

  constructor(options: CorrelationOptions = new CorrelationOptions()) {
    this.headers = options.headers.map((h) => h.toLowerCase());
    // A /g or /y pattern keeps lastIndex between calls; a copy without them is stateless.
    this.pattern = new RegExp(
      options.pattern.source,
      options.pattern.flags.replace(/[gy]/g, ''),
    );
    const fallback = new CorrelationOptions().pattern;
    this.defaultPattern =
      this.pattern.source === fallback.source &&
      this.pattern.flags === fallback.flags;
    this.useTraceparent = options.useTraceparent;
    this.generator = options.generateId;
  }

  /** Header names tried in order (lower-case). */
  headerNames(): readonly string[] {
    return this.headers;
  }

  /** Whether `value` is an acceptable correlation id. */
  isValid(value: string): boolean {
    return this.defaultPattern
      ? this.pattern.test(value)
      : SAFE_ID.test(value) && this.pattern.test(value);
  }

  /** A new id from `generateId` (a generator returning an unsafe value falls back to a UUID). */
  generate(): string {
    if (this.generator === undefined) return randomUUID();
    try {
      const id = this.generator();
      if (typeof id === 'string' && SAFE_ID.test(id)) return id;
    } catch {
      // a failing user generator must not fail the request
    }
    return randomUUID();
  }

  /**
   * Returns `value` when it is a valid id, `undefined` when absent or empty, and a generated id
   * (counting the rejection) when it is invalid.
   */
  accept(
    value: unknown,
    source: CorrelationRejectionSource,
    name: string,
  ): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string' && this.isValid(value)) return value;
    CorrelationRejections.record(
      source,
      name,
      typeof value === 'string' ? value.length : 0,
    );
    return this.generate();
  }

  /** Builds the store of an HTTP request from its headers. */
  fromHeaders(headers: IncomingHttpHeaders): CorrelationStore {
    let traceId: string | undefined;
    let traceFlags: string | undefined;
    if (this.useTraceparent) {
      const raw = headerValue(headers.traceparent);
      if (raw) {
        const tp = parseTraceparent(raw);
        if (tp) {
          traceId = tp.traceId;
          traceFlags = tp.flags;
        } else {
          CorrelationRejections.record(
            'traceparent',
            'traceparent',
            raw.length,
          );
        }
      }
    }
    const names = this.headers;
    for (let i = 0; i < names.length; i++) {
      const id = this.accept(
        headerValue(headers[names[i]]),
        'header',
        names[i],
      );
      if (id !== undefined)
        return createCorrelationStore(id, traceId, traceFlags);
    }
    return createCorrelationStore(
      traceId ?? this.generate(),
      traceId,
      traceFlags,
    );
  }
}
