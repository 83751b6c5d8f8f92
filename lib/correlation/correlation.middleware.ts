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
    const store = this.resolver.fromHeaders(req.headers);
    r[STORE] = store;
    if (this.responseHeader !== false && !res.headersSent)
      res.setHeader(this.responseHeader, store.id);
    CorrelationContext.runWithStore(store, next);
  }
}
