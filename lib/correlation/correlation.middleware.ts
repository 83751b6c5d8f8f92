import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  type CorrelationStore,
  CorrelationContext,
} from './correlation-context';
import { CorrelationIdResolver } from './correlation-id.resolver';
import { CORRELATION_RESPONSE_HEADER } from './correlation.tokens';

/** Property under which the middleware leaves the request's store on the (raw) request. */
const STORE = Symbol.for('rfs:correlation-store');
/** Property of the store that holds the request's exchange (one object per request). */
const HTTP_EXCHANGE = Symbol.for('rfs:correlation-http-exchange');

/**
 * Where response headers go when the adapter has its own header store (a Fastify `reply`):
 * headers set there are written with the status line by Fastify itself, while a raw
 * `res.setHeader` makes Node merge every header Fastify writes into its header map (costlier
 * per response, and pino-http then logs them all).
 *
 * @internal
 */
export interface ResponseHeaderSink {
  header(name: string, value: string): unknown;
}

/** The Node request and response of an HTTP request (and the adapter's header sink, if any). */
export interface HttpExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly headers: ResponseHeaderSink | undefined;
  /** `performance.now()` when the correlation context was entered for the request. */
  readonly start: number;
}

/** The exchange as the store keeps it: also the middleware (one per application) that made it. */
interface StoredExchange extends HttpExchange {
  readonly origin: CorrelationMiddleware;
}

interface StoreWithExchange extends CorrelationStore {
  [HTTP_EXCHANGE]?: StoredExchange;
}

/**
 * Store properties that hold one HTTP request's objects: the exchange, and what other parts keep
 * for the request (its handler call, abort signal, log claim). They are cleared once the response
 * is complete: Node creates the keep-alive timer of the connection inside the request's async
 * context, so the timer (and with it the store) lives on while the connection is idle; cleared,
 * the store no longer keeps the request, response, reply and handler result alive with it.
 */
const requestScopedKeys: symbol[] = [HTTP_EXCHANGE];

/**
 * Registers a store property that holds objects of the request (cleared with its exchange when the
 * response is complete).
 *
 * @internal
 */
export function releasedWithExchange(key: symbol): void {
  if (!requestScopedKeys.includes(key)) requestScopedKeys.push(key);
}

/**
 * `'close'` listener of the response: once it was completely written, clears the request's
 * objects from its store (the id and fields stay). After an incomplete response (the client left)
 * the handler may still be running with them; the connection is gone then, and its timer with it.
 */
function releaseRequestObjects(this: ServerResponse): void {
  if (!this.writableFinished) return;
  const store = (
    this.req as (IncomingMessage & RequestWithStore) | undefined
  )?.[STORE] as Record<symbol, unknown> | undefined;
  if (store === undefined) return;
  try {
    for (const key of requestScopedKeys) {
      if (store[key] !== undefined) store[key] = undefined;
    }
  } catch {
    // a store made read-only by other code keeps its objects; never an error from 'close'
  }
}

/**
 * Sets a response header through the exchange's header sink (Fastify `reply`) or on the raw
 * response; nothing once the headers are sent.
 *
 * @internal
 */
export function setExchangeHeader(
  exchange: HttpExchange,
  name: string,
  value: string,
): void {
  if (exchange.res.headersSent) return;
  if (exchange.headers !== undefined) exchange.headers.header(name, value);
  else exchange.res.setHeader(name, value);
}

/**
 * Copies the headers set on the exchange's header sink (the Fastify `reply`: the correlation
 * id, `@Header()`s, CORS) onto the raw response, for a handler that writes the raw response
 * itself (`reply.raw.writeHead`, a hijacked reply), which Fastify's reply headers never reach.
 * Nothing without a sink or once the headers are sent.
 *
 * @internal
 */
export function exposeExchangeHeaders(exchange: HttpExchange): void {
  const sink = exchange.headers as
    | (ResponseHeaderSink & { getHeaders?(): Record<string, unknown> })
    | undefined;
  const res = exchange.res;
  if (typeof sink?.getHeaders !== 'function' || res.headersSent) return;
  const headers = sink.getHeaders();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (
      (typeof value === 'string' ||
        typeof value === 'number' ||
        Array.isArray(value)) &&
      !res.hasHeader(name)
    ) {
      res.setHeader(name, value as string | number | string[]);
    }
  }
}

/**
 * The Node request and response of the HTTP request whose correlation context `store` is (set
 * by the middleware; `undefined` for contexts it did not create: rpc, ws, `@WithCorrelation`).
 * Lets the handler pipeline set headers without an interceptor.
 *
 * @internal
 */
export function httpExchangeOf(
  store: CorrelationStore | undefined,
): HttpExchange | undefined {
  return (store as StoreWithExchange | undefined)?.[HTTP_EXCHANGE];
}

/**
 * The middleware that created `store` for an HTTP request: it is one per application, so it
 * tells which of several applications in one process serves the request (`undefined` for
 * contexts it did not create).
 *
 * @internal
 */
export function correlationOriginOf(
  store: CorrelationStore | undefined,
): CorrelationMiddleware | undefined {
  return (store as StoreWithExchange | undefined)?.[HTTP_EXCHANGE]?.origin;
}

interface RequestWithStore {
  [STORE]?: CorrelationStore;
  raw?: { [STORE]?: CorrelationStore };
}

/**
 * The correlation store the middleware attached to `request` (an Express request, a Fastify
 * request or its raw `IncomingMessage`), or `undefined`. Lets code that runs where the async
 * context may have been lost (e.g. after Fastify body parsing) re-enter it.
 */
export function correlationStoreOf(
  request: unknown,
): CorrelationStore | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const r = request as RequestWithStore;
  return r[STORE] ?? r.raw?.[STORE];
}

/**
 * Establishes the correlation context of an HTTP request: resolves the id from the headers,
 * sets the response header before the handler runs (so error responses carry it too) and runs
 * the rest of the request inside one `AsyncLocalStorage.run`. RfsModule applies it with the
 * `correlation.forRoutes` / `correlation.exclude` options; applying it twice to one request is a
 * no-op.
 */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  constructor(
    private readonly resolver: CorrelationIdResolver,
    @Inject(CORRELATION_RESPONSE_HEADER)
    private readonly responseHeader: string | false,
  ) {}

  /**
   * Express and Fastify (middie) both pass Node's request and response objects (or subclasses).
   * `headers`: where to set response headers instead of `res` (the Fastify `reply`, from the
   * adapter's request hook).
   */
  use(
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
    headers?: ResponseHeaderSink,
  ): void {
    if ((req as IncomingMessage & RequestWithStore)[STORE] !== undefined) {
      next();
      return;
    }
    this.open(req, res, next, headers, !res.headersSent);
  }

  /**
   * {@link use} from the adapter's request hook, the first code of every request: no store yet
   * and no header sent. Skips those checks: on Express each read of a property of the request or
   * response is a megamorphic lookup that misses V8's stub cache (~2k instructions).
   *
   * @internal
   */
  openFromHook(
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
    headers?: ResponseHeaderSink,
  ): void {
    this.open(req, res, next, headers, true);
  }

  private open(
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
    headers: ResponseHeaderSink | undefined,
    headerOpen: boolean,
  ): void {
    const store: StoreWithExchange = this.resolver.fromHeaders(req.headers);
    (req as IncomingMessage & RequestWithStore)[STORE] = store;
    store[HTTP_EXCHANGE] = {
      req,
      res,
      headers,
      start: performance.now(),
      origin: this,
    };
    if (this.responseHeader !== false && headerOpen) {
      if (headers !== undefined) headers.header(this.responseHeader, store.id);
      else res.setHeader(this.responseHeader, store.id);
    }
    const on = res.on; // read once: each read is a lookup on Express
    if (typeof on === 'function') on.call(res, 'close', releaseRequestObjects);
    CorrelationContext.runWithStore(store, next);
  }
}
