import { AsyncLocalStorage } from 'node:async_hooks';

/** What the AsyncLocalStorage holds for one request, message or job. */
export interface CorrelationStore {
  /** The correlation id. */
  readonly id: string;
  /** Request-scoped fields (user, tenant, …) that log lines pick up. */
  readonly fields: Map<string, unknown>;
}

const storage = new AsyncLocalStorage<CorrelationStore>();

/**
 * Static access to the current correlation context, for code outside DI (scripts, workers,
 * library code). Inside DI prefer the injectable `CorrelationService`.
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

  /** Runs `fn` inside a new context with `id` (request fields start empty). */
  static run<T>(id: string, fn: () => T): T {
    return storage.run({ id, fields: new Map() }, fn);
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
}
