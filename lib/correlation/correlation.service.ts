import { Injectable } from '@nestjs/common';
import {
  CorrelationContext,
  DEFAULT_CORRELATION_HEADER,
} from './correlation-context';
import { CorrelationIdResolver } from './correlation-id.resolver';
import {
  type CorrelationRejectionListener,
  CorrelationRejections,
} from './correlation-rejections';

/**
 * Injectable access to the current correlation context (the DI face of
 * {@link CorrelationContext}).
 *
 * @example
 * ```ts
 * @Injectable()
 * class PaymentsClient {
 *   constructor(private readonly correlation: CorrelationService) {}
 *   charge(order: Order) {
 *     this.correlation.set('tenant', order.tenantId); // picked up by every later log line
 *     return fetch(url, { headers: this.correlation.outboundHeaders() });
 *   }
 * }
 * ```
 */
@Injectable()
export class CorrelationService {
  constructor(private readonly resolver: CorrelationIdResolver) {}

  /** The current id, or `undefined` outside a context. */
  getId(): string | undefined {
    return CorrelationContext.getId();
  }

  /** The current id; throws an error saying how to establish a context when there is none. */
  requireId(): string {
    return CorrelationContext.requireId();
  }

  /**
   * Runs `fn` in a new context with `id` (a generated one when omitted). An invalid `id` is
   * replaced by a generated one and counted as rejected.
   */
  run<T>(id: string | undefined, fn: () => T): T {
    const accepted =
      this.resolver.accept(id, 'message', 'id') ?? this.resolver.generate();
    return CorrelationContext.run(accepted, fn);
  }

  /** Sets a request-scoped field (user, tenant, …); ignored outside a context. */
  set(key: string, value: unknown): void {
    CorrelationContext.set(key, value);
  }

  /** Reads a request-scoped field. */
  get<T = unknown>(key: string): T | undefined {
    return CorrelationContext.get<T>(key);
  }

  /** All request-scoped fields as a plain object. */
  fields(): Record<string, unknown> {
    return CorrelationContext.fields();
  }

  /** A new id as the module would generate it (`correlation.generateId` or a UUID). */
  generateId(): string {
    return this.resolver.generate();
  }

  /**
   * Headers for an outgoing HTTP call: the id (under the first name of `correlation.headers`)
   * and a child W3C `traceparent`. Empty outside a context.
   */
  outboundHeaders(): Record<string, string> {
    return CorrelationContext.outboundHeaders(
      this.resolver.headerNames()[0] ?? DEFAULT_CORRELATION_HEADER,
    );
  }

  /** Number of rejected incoming ids (invalid header, traceparent or message id) in this process. */
  rejectedCount(): number {
    return CorrelationRejections.count();
  }

  /** Subscribes to rejected ids (metrics turn them into a counter); returns an unsubscribe function. */
  onRejected(listener: CorrelationRejectionListener): () => void {
    return CorrelationRejections.subscribe(listener);
  }
}
