import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Observable } from 'rxjs';
import {
  type CorrelationStore,
  CorrelationContext,
  createCorrelationStore,
} from './correlation-context';
import { CorrelationIdResolver } from './correlation-id.resolver';

/** Field of a message payload that carries the id (`{ correlationId, ... }`). */
export const MESSAGE_CORRELATION_FIELD = 'correlationId';

function firstString(value: unknown): unknown {
  if (Array.isArray(value)) value = value[0];
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return value;
}

interface HeaderBag {
  get?(key: string): unknown;
  [key: string]: unknown;
}

/** Reads `name` from a header/metadata container of any transport (gRPC, NATS, Kafka, RMQ, plain). */
function fromBag(bag: unknown, name: string): unknown {
  if (typeof bag !== 'object' || bag === null) return undefined;
  const b = bag as HeaderBag;
  if (typeof b.get === 'function') return firstString(b.get(name));
  return firstString(b[name]);
}

/**
 * Establishes the correlation context for `rpc` (microservice) and `ws` (gateway) handlers;
 * HTTP requests pass straight through (the middleware already did it). The id comes from the
 * message's `correlationId` field, else from the transport's metadata/headers under the names
 * of `correlation.headers` (gRPC `Metadata`, NATS/Kafka/RMQ headers, `data.headers`), else a
 * new id. Inside an active context (e.g. a hybrid app's HTTP request) the context is kept.
 *
 * RfsModule registers it globally only in apps without an HTTP adapter
 * (`NestFactory.createMicroservice`); in HTTP and hybrid apps it would add an interceptor pass to
 * every HTTP route, so apply it to message controllers and gateways.
 *
 * @example
 * ```ts
 * @Controller()
 * @UseInterceptors(CorrelationInterceptor)
 * export class OrdersListener {
 *   @MessagePattern('orders.get')
 *   get(@Payload() msg: { id: string; correlationId?: string }) { ... }
 * }
 * ```
 */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  constructor(private readonly resolver: CorrelationIdResolver) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = context.getType<string>();
    if ((type !== 'rpc' && type !== 'ws') || CorrelationContext.current()) {
      return next.handle();
    }
    const store = this.storeFor(context, type);
    // Subscribing inside run() puts the handler and everything it awaits in the context.
    return new Observable((subscriber) =>
      CorrelationContext.runWithStore(store, () =>
        next.handle().subscribe(subscriber),
      ),
    );
  }

  /** Builds the store for a message; override to read the id from elsewhere. */
  protected storeFor(
    context: ExecutionContext,
    type: 'rpc' | 'ws',
  ): CorrelationStore {
    const id = this.idFromMessage(context, type) ?? this.resolver.generate();
    return createCorrelationStore(id);
  }

  /** The accepted id carried by the message, if any (invalid ids are replaced and counted). */
  protected idFromMessage(
    context: ExecutionContext,
    type: 'rpc' | 'ws',
  ): string | undefined {
    const data: unknown =
      type === 'rpc'
        ? context.switchToRpc().getData()
        : context.switchToWs().getData();
    if (typeof data === 'object' && data !== null) {
      const d = data as Record<string, unknown>;
      const fromField = this.resolver.accept(
        d[MESSAGE_CORRELATION_FIELD],
        'message',
        MESSAGE_CORRELATION_FIELD,
      );
      if (fromField !== undefined) return fromField;
      if (d.headers !== undefined) {
        const id = this.fromHeaders(d.headers);
        if (id !== undefined) return id;
      }
    }
    if (type === 'rpc') return this.fromHeaders(metadataOf(context));
    return undefined;
  }

  private fromHeaders(bag: unknown): string | undefined {
    if (bag === undefined) return undefined;
    for (const name of this.resolver.headerNames()) {
      const id = this.resolver.accept(fromBag(bag, name), 'message', name);
      if (id !== undefined) return id;
    }
    return undefined;
  }
}

interface TransportContext {
  getHeaders?(): unknown;
  getMessage?(): unknown;
  get?(key: string): unknown;
}

/** The header/metadata container of an rpc context, whatever the transport. */
function metadataOf(context: ExecutionContext): unknown {
  const ctx: unknown = context.switchToRpc().getContext();
  if (typeof ctx !== 'object' || ctx === null) return undefined;
  const c = ctx as TransportContext;
  // gRPC passes Metadata (with get()) as the context argument
  if (typeof c.get === 'function' && typeof c.getHeaders !== 'function')
    return c;
  if (typeof c.getHeaders === 'function') return c.getHeaders(); // NATS, Redis-less transports
  if (typeof c.getMessage === 'function') {
    const msg = c.getMessage() as
      { headers?: unknown; properties?: { headers?: unknown } } | undefined;
    return msg?.headers ?? msg?.properties?.headers; // Kafka, RMQ
  }
  return undefined;
}
