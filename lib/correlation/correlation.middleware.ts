import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CorrelationStore,
  CorrelationContext,
} from './correlation-context';
import { CorrelationIdResolver } from './correlation-id.resolver';
import { CORRELATION_RESPONSE_HEADER } from './correlation.tokens';

/** Property under which the middleware leaves the request's store on the (raw) request. */
const STORE = Symbol.for('rfs:correlation-store');
/** Properties of the store that hold the request's Node request and response. */
const HTTP_REQ = Symbol.for('rfs:correlation-http-req');
const HTTP_RES = Symbol.for('rfs:correlation-http-res');

interface StoreWithExchange extends CorrelationStore {
  [HTTP_REQ]?: IncomingMessage;
  [HTTP_RES]?: ServerResponse;
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
): { req: IncomingMessage; res: ServerResponse } | undefined {
  const s = store as StoreWithExchange | undefined;
  const req = s?.[HTTP_REQ];
  const res = s?.[HTTP_RES];
  return req !== undefined && res !== undefined ? { req, res } : undefined;
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

  /** Express and Fastify (middie) both pass Node's request and response objects (or subclasses). */
  use(
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): void {
    const r = req as IncomingMessage & RequestWithStore;
    if (r[STORE] !== undefined) {
      next();
      return;
    }
    const store: StoreWithExchange = this.resolver.fromHeaders(req.headers);
    r[STORE] = store;
    store[HTTP_REQ] = req;
    store[HTTP_RES] = res;
    if (this.responseHeader !== false && !res.headersSent)
      res.setHeader(this.responseHeader, store.id);
    CorrelationContext.runWithStore(store, next);
  }
}
