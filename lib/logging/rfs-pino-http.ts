import type { IncomingMessage } from 'node:http';
import type { Options as PinoHttpOptions } from 'pino-http';
import { CorrelationContext } from '../correlation/correlation-context';
import { CorrelationIdResolver } from '../correlation/correlation-id.resolver';
import { correlationStoreOf } from '../correlation/correlation.middleware';
import { LogRedactor } from './log-redactor';
import { COMPLETE_LINE } from './result-log-line.builder';
import { LoggingOptions } from './logging.options';
import {
  mergedLineOptions,
  resultLineOf,
  type RfsPinoHttpSettings,
} from './rfs-pino-http-line';

export type {
  RfsPinoHttpResultLine,
  RfsPinoHttpSettings,
} from './rfs-pino-http-line';

/** Id chosen by `genReqId` before the correlation middleware ran (pino-http mounted first). */
const EARLY_ID = Symbol.for('rfs:early-correlation-id');

interface RequestLike {
  headers?: Record<string, string | string[] | undefined>;
  id?: unknown;
  [EARLY_ID]?: string;
}

/** What the running RfsModule tells the pino integration (options are not known statically). */
interface PinoRuntime {
  resolver: CorrelationIdResolver | undefined;
  redactor: LogRedactor;
}

/** The runtime of one `rfsPinoHttp()` options object, once its application bound it. */
interface BoundRuntime extends PinoRuntime {
  bound: boolean;
}

/** Where `rfsPinoHttp()` keeps its own runtime on the options it returns (not enumerable). */
const RUNTIME = Symbol.for('rfs:pino-http-runtime');

/** The fallback for options no application bound (built before RfsModule, or bound elsewhere). */
const runtime: PinoRuntime = {
  resolver: undefined,
  redactor: new LogRedactor(new LoggingOptions().redact),
};
const defaultResolver = new CorrelationIdResolver();

/**
 * @internal Called by RfsModule's logging providers at init: the correlation resolver (or
 * `undefined` when `correlation: false`) and the redacted key names.
 */
export function configureRfsPinoRuntime(
  resolver: CorrelationIdResolver | undefined,
  redactor: LogRedactor,
): void {
  runtime.resolver = resolver;
  runtime.redactor = redactor;
}

/**
 * @internal Binds the `rfsPinoHttp()` options found in nestjs-pino's `params` (the `pinoHttp`
 * object, or the first element of `[options, stream]`) to one application's correlation
 * resolver and redactor, so two applications in one process each keep their own rules.
 * Returns whether such options were found.
 */
export function bindRfsPinoRuntime(
  params: unknown,
  resolver: CorrelationIdResolver | undefined,
  redactor: LogRedactor,
): boolean {
  const pinoHttp = (params as { pinoHttp?: unknown } | undefined)?.pinoHttp;
  const options: unknown = Array.isArray(pinoHttp) ? pinoHttp[0] : pinoHttp;
  if (typeof options !== 'object' || options === null) return false;
  const local = (options as { [RUNTIME]?: BoundRuntime })[RUNTIME];
  if (local === undefined) return false;
  local.resolver = resolver;
  local.redactor = redactor;
  local.bound = true;
  return true;
}

function runtimeOf(local: BoundRuntime | undefined): PinoRuntime {
  return local?.bound === true ? local : runtime;
}

/**
 * The correlation id of `req` (Express request, or the raw request on Fastify), whatever the
 * order of pino-http and the correlation middleware:
 * - correlation middleware first: the active context's id;
 * - pino-http first: the id is resolved here from the headers with the same rules, and written
 *   to the first configured correlation header so the middleware that runs next adopts it.
 */
export function correlationIdOfRequest(
  req: unknown,
  rt: PinoRuntime = runtime,
): string | undefined {
  try {
    return resolveRequestId(req, rt);
  } catch {
    // a request we cannot read: pino-http falls back to its own id
    return undefined;
  }
}

function resolveRequestId(req: unknown, rt: PinoRuntime): string | undefined {
  const active = CorrelationContext.storage.getStore();
  if (active !== undefined) return active.id;
  if (typeof req !== 'object' || req === null) return undefined;
  const attached = correlationStoreOf(req);
  if (attached !== undefined) return attached.id;
  const r = req as RequestLike;
  const early = r[EARLY_ID];
  if (early !== undefined) return early;
  const resolver = rt.resolver ?? defaultResolver;
  const headers = r.headers ?? {};
  const id = resolver.fromHeaders(headers).id;
  const first = resolver.headerNames()[0];
  if (first !== undefined && rt.resolver !== undefined) {
    try {
      headers[first] = id;
    } catch {
      // frozen headers: the middleware then resolves on its own (same rules)
    }
  }
  r[EARLY_ID] = id;
  return id;
}

/** Fields pino's `mixin` adds to every line: the correlation id and request-scoped fields. */
export function rfsLogMixin(
  mergeObject?: object,
  rt: PinoRuntime = runtime,
): Record<string, unknown> {
  try {
    return mixinFields(mergeObject, rt);
  } catch {
    // pino calls the mixin on every line: it must never make a log call throw
    return {};
  }
}

function mixinFields(
  mergeObject: object | undefined,
  rt: PinoRuntime,
): Record<string, unknown> {
  const store = CorrelationContext.storage.getStore();
  if (store !== undefined) {
    const out: Record<string, unknown> = { correlationId: store.id };
    if (store.fields.size > 0) {
      const redactor = rt.redactor;
      for (const [k, v] of store.fields)
        out[k] = redactor.isRedactedKey(k) ? '[Redacted]' : v;
    }
    return out;
  }
  // pino-http's "request completed" may be written outside the request's async context:
  // find the id through the response object it logs.
  const res = (mergeObject as { res?: { req?: unknown } } | undefined)?.res;
  const req = res?.req;
  if (typeof req === 'object' && req !== null) {
    const id = correlationStoreOf(req)?.id ?? (req as RequestLike)[EARLY_ID];
    if (id !== undefined) return { correlationId: id };
  }
  return {};
}

type ReqSerializer = (req: { id?: unknown; raw?: unknown }) => unknown;

/** What rfsPinoHttp's mixin returns for a line that needs nothing mixed in (never written to). */
const NOTHING_TO_MIX: object = Object.freeze({});

/**
 * pino-http options for `LoggerModule.forRoot({ pinoHttp: rfsPinoHttp() })` that make
 * pino-http's request id **be** the correlation id (Express and Fastify, whichever middleware
 * runs first) and give every line — pino-http's "request completed", Result lines and your own
 * `PinoLogger` lines — `correlationId` plus the fields set through `CorrelationService.set`.
 * By default (`resultLine: 'merge'`) a controller handler's Result fields (`operation`,
 * `outcome`, `durationMs`, `error`, `http`, `service`, …) ride on the "request completed" line,
 * so a request writes one line, as with nestjs-pino alone; `{ resultLine: 'separate' }` writes
 * them as their own Result line next to it (see {@link RfsPinoHttpSettings.resultLine}; any
 * other value throws). Your own options are kept; your `mixin`, `serializers.req`,
 * `customProps`, `customSuccessObject`, `customErrorObject` and `customLogLevel` run too.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     // one line per request: "request completed" + operation, outcome, durationMs, …
 *     LoggerModule.forRoot({ pinoHttp: rfsPinoHttp({ level: 'info' }) }),
 *     // or a Result line per handler next to it:
 *     // rfsPinoHttp({ level: 'info' }, { resultLine: 'separate' })
 *     RfsModule.forRoot({ serviceName: 'orders' }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
export function rfsPinoHttp<O extends PinoHttpOptions>(
  options?: O,
  settings: RfsPinoHttpSettings = {},
): O &
  Required<
    Pick<
      PinoHttpOptions,
      'genReqId' | 'mixin' | 'mixinMergeStrategy' | 'serializers'
    >
  > &
  Pick<
    PinoHttpOptions,
    | 'customProps'
    | 'customSuccessObject'
    | 'customErrorObject'
    | 'customLogLevel'
  > {
  const resultLine = resultLineOf(settings);
  const base = (options ?? {}) as O;
  const userMixin = base.mixin;
  const userGenReqId = base.genReqId;
  const userReq = base.serializers?.req as ReqSerializer | undefined;
  // bound to its application's resolver and redactor at init (bindRfsPinoRuntime)
  const local: BoundRuntime = {
    resolver: undefined,
    redactor: runtime.redactor,
    bound: false,
  };
  const genReqId: NonNullable<PinoHttpOptions['genReqId']> = (req, res) =>
    correlationIdOfRequest(req, runtimeOf(local)) ??
    (userGenReqId ? userGenReqId(req, res) : CorrelationContext.getId()) ??
    defaultResolver.generate();
  const mixin: NonNullable<PinoHttpOptions['mixin']> = userMixin
    ? (obj, level, logger) => ({
        ...userMixin(obj, level, logger),
        ...rfsLogMixin(obj, runtimeOf(local)),
      })
    : (obj) =>
        // a Result line (also merged into "request completed") has the id and fields already
        (obj as { [COMPLETE_LINE]?: boolean } | undefined)?.[COMPLETE_LINE] ===
        true
          ? NOTHING_TO_MIX
          : rfsLogMixin(obj, runtimeOf(local));
  const userMerge = base.mixinMergeStrategy;
  // pino merges every line with what the mixin returned: nothing to merge, nothing to copy
  const mixinMergeStrategy: NonNullable<
    PinoHttpOptions['mixinMergeStrategy']
  > = (mergeObject, mixinObject) =>
    mixinObject === NOTHING_TO_MIX
      ? userMerge
        ? userMerge(mergeObject, {})
        : mergeObject
      : userMerge
        ? userMerge(mergeObject, mixinObject)
        : Object.assign(mixinObject, mergeObject);
  // On Fastify, middie sets `req.id` (Fastify's own id) before pino-http runs, so genReqId is
  // never called: the serializer puts the correlation id in its place.
  const reqSerializer: ReqSerializer = (req) => {
    const raw = req.raw as IncomingMessage | undefined;
    const id =
      raw !== undefined
        ? correlationIdOfRequest(raw, runtimeOf(local))
        : undefined;
    if (id !== undefined) {
      req.id = id;
      (raw as RequestLike).id = id;
    }
    return userReq ? userReq(req) : req;
  };
  const merged = resultLine === 'merge' ? mergedLineOptions(base) : {};
  const out = {
    ...base,
    ...merged,
    genReqId,
    mixin,
    mixinMergeStrategy,
    serializers: { ...base.serializers, req: reqSerializer },
  };
  // pino-http refuses `useLevel` next to `customLogLevel`; the merged one applies it
  if (merged.customLogLevel !== undefined)
    delete (out as { useLevel?: unknown }).useLevel;
  Object.defineProperty(out, RUNTIME, { value: local, enumerable: false });
  return out;
}
