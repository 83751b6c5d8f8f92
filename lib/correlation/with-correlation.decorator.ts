import {
  CorrelationContext,
  createCorrelationStore,
} from './correlation-context';
import { CorrelationIdResolver } from './correlation-id.resolver';
import { copyMethodMetadata } from './method-metadata';

/** Options of {@link WithCorrelation}. */
export interface WithCorrelationOptions {
  /**
   * Reads an incoming id from the call's arguments (e.g. a queue job's `data.correlationId`).
   * An invalid value is replaced by a new id and counted as rejected.
   */
  idFrom?: (...args: unknown[]) => unknown;
}

// Decorators run outside DI: they validate and generate with the default correlation options.
const resolver = new CorrelationIdResolver();

/**
 * Runs each call of the decorated method in a correlation context — for cron jobs, queue
 * consumers and event handlers, which no HTTP middleware covers. A call made while a context is
 * already active keeps it; otherwise a new id is generated per call (or taken from `idFrom`).
 * Reflect metadata of the original method is copied, so `@EventPattern`, `@OnEvent`, `@Cron`
 * and guards declared above or below keep working.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class InvoiceJobs {
 *   @Cron('0 * * * *')
 *   @WithCorrelation()
 *   async closeHour() {
 *     this.logger.info('closing'); // carries a fresh correlationId
 *   }
 *
 *   @EventPattern('invoice.paid')
 *   @WithCorrelation({ idFrom: (msg) => (msg as { correlationId?: string }).correlationId })
 *   onPaid(msg: PaidEvent) {}
 * }
 * ```
 */
export function WithCorrelation(
  options: WithCorrelationOptions = {},
): MethodDecorator {
  const idFrom = options.idFrom;
  return (_target, propertyKey, descriptor) => {
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') {
      throw new TypeError(
        `@WithCorrelation() decorates methods; ${String(propertyKey)} is not a method.`,
      );
    }
    const fn = original as (...args: unknown[]) => unknown;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      if (CorrelationContext.current() !== undefined)
        return fn.apply(this, args);
      const store = createCorrelationStore(idOf(idFrom, args));
      return CorrelationContext.storage.run(
        store,
        Reflect.apply,
        fn,
        this,
        args,
      );
    };
    copyMethodMetadata(fn, wrapper);
    (descriptor as PropertyDescriptor).value = wrapper;
    return descriptor;
  };
}

function idOf(
  idFrom: ((...args: unknown[]) => unknown) | undefined,
  args: unknown[],
): string {
  if (idFrom !== undefined) {
    let raw: unknown;
    try {
      raw = idFrom(...args);
    } catch {
      raw = undefined; // a failing extractor must not fail the handler
    }
    const id = resolver.accept(raw, 'message', 'idFrom');
    if (id !== undefined) return id;
  }
  return resolver.generate();
}
