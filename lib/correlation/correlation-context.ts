import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/** What the AsyncLocalStorage holds for one request, message or job. */
export interface CorrelationStore {
  /** The correlation id. */
  readonly id: string;
  /** Request-scoped fields (user, tenant, …) that log lines pick up. */
  readonly fields: Map<string, unknown>;
  /**
   * W3C trace-id (32 lowercase hex) of the incoming `traceparent`, or derived lazily from the id
   * by `outboundHeaders()`.
   */
  traceId?: string;
  /** W3C trace-flags of the incoming `traceparent` (`'01'` sampled); `'00'` when this service started the trace. */
  traceFlags?: string;
}

const storage = new AsyncLocalStorage<CorrelationStore>();

const UUID =
  /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const ZERO_TRACE = '00000000000000000000000000000000';

/** Default header that carries the id to downstream services. */
export const DEFAULT_CORRELATION_HEADER = 'x-correlation-id';

/** Creates a store; one object and one Map per request, no closures. */
export function createCorrelationStore(
  id: string,
  traceId?: string,
  traceFlags?: string,
): CorrelationStore {
  return { id, fields: new Map(), traceId, traceFlags };
}

function traceIdOf(store: CorrelationStore): string {
  if (store.traceId) return store.traceId;
  // A UUID id doubles as the trace-id, so logs and traces share one key.
  let traceId = UUID.test(store.id)
    ? store.id.replace(/-/g, '').toLowerCase()
    : randomBytes(16).toString('hex');
  if (traceId === ZERO_TRACE) traceId = randomBytes(16).toString('hex');
  store.traceId = traceId;
  return traceId;
}

function newSpanId(): string {
  let span = randomBytes(8).toString('hex');
  while (span === '0000000000000000') span = randomBytes(8).toString('hex');
  return span;
}

/**
 * Static access to the current correlation context, for code outside DI (scripts, workers,
 * library code). Inside DI prefer the injectable `CorrelationService`.
 *
 * @example
 * ```ts
 * CorrelationContext.run('job-42', () => worker.process(job));
 * CorrelationContext.getId(); // 'job-42' inside, undefined outside
 * ```
 */
export class CorrelationContext {
  /** The underlying AsyncLocalStorage (for integrations such as pino mixins). */
  static readonly storage: AsyncLocalStorage<CorrelationStore> = storage;

  /** The current correlation id, or `undefined` outside a context. */
  static getId(): string | undefined {
    return storage.getStore()?.id;
  }

  /** The current correlation id; throws a clear error outside a context. */
  static requireId(): string {
    const store = storage.getStore();
    if (!store) {
      throw new Error(
        'No correlation context is active. Run the code inside an HTTP request handled by RfsModule, ' +
          'a method decorated with @WithCorrelation(), or CorrelationContext.run(id, fn).',
      );
    }
    return store.id;
  }

  /** The current store (id, fields, trace facts), or `undefined` outside a context. */
  static current(): CorrelationStore | undefined {
    return storage.getStore();
  }

  /** Runs `fn` inside a new context with `id` (request fields start empty). */
  static run<T>(id: string, fn: () => T): T {
    return storage.run(createCorrelationStore(id), fn);
  }

  /** Runs `fn` inside an existing store (used by the middleware, interceptor and decorator). */
  static runWithStore<T>(store: CorrelationStore, fn: () => T): T {
    return storage.run(store, fn);
  }

  /** Sets a request-scoped field; ignored outside a context. */
  static set(key: string, value: unknown): void {
    storage.getStore()?.fields.set(key, value);
  }

  /** Reads a request-scoped field. */
  static get<T = unknown>(key: string): T | undefined {
    return storage.getStore()?.fields.get(key) as T | undefined;
  }

  /** All request-scoped fields as a plain object (empty outside a context). */
  static fields(): Record<string, unknown> {
    const store = storage.getStore();
    return store ? Object.fromEntries(store.fields) : {};
  }

  /**
   * Headers to put on an outgoing HTTP call: the id under `header` and a child W3C `traceparent`
   * (same trace-id, new span id). Empty outside a context.
   *
   * @example
   * ```ts
   * await fetch(url, { headers: { ...CorrelationContext.outboundHeaders() } });
   * ```
   */
  static outboundHeaders(
    header: string = DEFAULT_CORRELATION_HEADER,
  ): Record<string, string> {
    const store = storage.getStore();
    if (!store) return {};
    return {
      [header]: store.id,
      traceparent: `00-${traceIdOf(store)}-${newSpanId()}-${store.traceFlags ?? '00'}`,
    };
  }
}
