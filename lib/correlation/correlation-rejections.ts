/** Where a rejected incoming id came from. */
export type CorrelationRejectionSource = 'header' | 'traceparent' | 'message';

/**
 * One rejected incoming correlation id. The raw value is never carried (it may hold CRLF,
 * control characters or megabytes): only where it came from and its length.
 */
export interface CorrelationRejection {
  /** Header, traceparent or message field. */
  readonly source: CorrelationRejectionSource;
  /** Header or field name (`x-correlation-id`, `traceparent`, `correlationId`). */
  readonly name: string;
  /** Length of the rejected value in characters. */
  readonly length: number;
}

/** Receives rejections (the metrics collector turns them into a counter). Must not throw. */
export type CorrelationRejectionListener = (
  rejection: CorrelationRejection,
) => void;

let rejected = 0;
let listeners: CorrelationRejectionListener[] = [];

/**
 * Process-wide count of rejected incoming ids (invalid header, traceparent or message id),
 * shared by the middleware, the rpc/ws interceptor and `@WithCorrelation`.
 */
export class CorrelationRejections {
  /** Number of rejected ids since the process started. */
  static count(): number {
    return rejected;
  }

  /** Subscribes to rejections; returns an unsubscribe function. */
  static subscribe(listener: CorrelationRejectionListener): () => void {
    listeners = [...listeners, listener];
    return () => {
      listeners = listeners.filter((l) => l !== listener);
    };
  }

  /** Counts one rejection and notifies listeners (a throwing listener is ignored). */
  static record(
    source: CorrelationRejectionSource,
    name: string,
    length: number,
  ): void {
    rejected++;
    if (listeners.length === 0) return;
    const event: CorrelationRejection = { source, name, length };
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // observability never throws into request handling
      }
    }
  }
}
