import { copyMethodMetadata } from '../correlation/method-metadata';
import type { OperationLogOptions } from '../operations/operation-event';
import { OperationHub as Hub } from '../operations/operation-hub';
import { RFS_LOG_OPERATION_METADATA } from '../rfs.constants';
import {
  checkLogResultOperationOptions,
  type LogResultOperationOptions,
} from './log-result-operation.options';
import * as observer from './log-result-operation.observer';
import { takeRouteHandlerClaim as takeClaim } from './route-handler-claim';

// Hot-path aliases, read once (CommonJS reaches imported bindings through getters).
const OperationHub = Hub;
const { emitDefect, NO_ARGS, operationClock, OperationSpec, settle } = observer;
const takeRouteHandlerClaim = takeClaim;

export type { LogResultOperationOptions } from './log-result-operation.options';

/** What `@LogResultOperation` stores under `RFS_LOG_OPERATION_METADATA` on the wrapper. */
export interface LogResultOperationMetadata {
  /** The operation name the wrapper reports. */
  readonly operation: string;
  /** The decorator's options. */
  readonly options: OperationLogOptions;
}

/**
 * Times every call of a provider or controller method ONCE and hands one operation event to
 * the running RfsModule's hub: the Result logger writes a {@link ResultLogEntry} and the
 * metrics collector records the same duration. Handles methods that return a `Result`, a
 * `Promise<Result>`, a `MonoResult` (logged when the mono runs, each time it runs), a
 * `FluxResult` (one line on completion with ok/err counts) or any plain value (`ok`). A thrown
 * exception or rejection is logged as a `defect` with its stack and rethrown unchanged.
 *
 * The wrapper keeps `this`, `name`, `length` and every `Reflect` metadata entry (guards,
 * `@EventPattern`, Swagger). Without an initialised RfsModule it just calls the method.
 *
 * Cost: two clock reads, and one `.then` on a returned promise (its rejection handler rethrows
 * the same error). When no listener wants Ok events — Ok lines below the logger's level (also
 * after a runtime level change) and no metrics — an Ok outcome builds no event at all; Err
 * lines, defects and slow Ok lines are still written.
 *
 * On a controller route handler, the request is still logged and recorded once: when the
 * method runs as the handler of the request ResultInterceptor is timing, that single HTTP pass
 * writes the line (with `http` facts) using this decorator's name and options, and the wrapper
 * only hands it the arguments. `@RfsOperation('name')` on the same handler names the route
 * instead. Calls from anywhere else (nested, other providers, outside HTTP) log as usual.
 *
 * @param name operation name (default `ClassName.method`)
 * @param options per-method logging options
 * @example
 * ```ts
 * @Injectable()
 * export class OrdersService {
 *   @LogResultOperation()                        // "OrdersService.create"
 *   async create(dto: CreateOrder): Promise<Result<Order, RfsError>> { … }
 *
 *   @LogResultOperation('orders.find', { level: 'debug', slowMs: 200 })
 *   find(id: string): MonoResult<Order, RfsError> { … }
 * }
 * ```
 */
export function LogResultOperation(
  name?: string | LogResultOperationOptions,
  options?: LogResultOperationOptions,
): MethodDecorator {
  const explicitName = typeof name === 'string' ? name : undefined;
  const opts =
    (typeof name === 'object' && name !== null ? name : options) ?? {};
  const log = checkLogResultOperationOptions(opts);
  return (target, propertyKey, descriptor) => {
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') {
      throw new TypeError(
        `@LogResultOperation() decorates methods; ${String(propertyKey)} is not a method.`,
      );
    }
    const operation =
      explicitName ?? `${classNameOf(target)}.${String(propertyKey)}`;
    if (explicitName !== undefined && explicitName.trim() === '') {
      throw new TypeError(
        `@LogResultOperation(name) on ${String(propertyKey)}: name must be a non-empty string.`,
      );
    }
    OperationHub.declare(operation);
    const spec = new OperationSpec(operation, log, log.includeArgs === true);
    const fn = original as AnyMethod;
    const meta: LogResultOperationMetadata = { operation, options: log };
    const wrapper = wrapperOf(fn, spec, meta);
    copyMethodMetadata(fn, wrapper);
    Object.defineProperty(wrapper, 'length', {
      value: fn.length,
      configurable: true,
    });
    Reflect.defineMetadata(RFS_LOG_OPERATION_METADATA, meta, wrapper);
    (descriptor as PropertyDescriptor).value = wrapper;
    return descriptor;
  };
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The wrapper of a decorated method. Without `includeArgs` it only hands `arguments` to
 * `apply`, so V8 never builds an arguments object. Running as the route handler of the HTTP
 * call ResultInterceptor is timing, it only calls the method: that pass writes the one line and
 * records the one metric, with this decorator's name and options (and these arguments).
 */
function wrapperOf(
  fn: AnyMethod,
  spec: InstanceType<typeof OperationSpec>,
  meta: LogResultOperationMetadata,
): AnyMethod {
  if (spec.includeArgs) {
    return function (this: unknown, ...args: unknown[]): unknown {
      const hub = OperationHub.current();
      if (hub === undefined) return fn.apply(this, args);
      const claim = takeRouteHandlerClaim(meta);
      if (claim !== undefined) {
        claim.args = args;
        return fn.apply(this, args);
      }
      const start = operationClock();
      let out: unknown;
      try {
        out = fn.apply(this, args);
      } catch (error) {
        emitDefect(hub, spec, start, args, error);
        throw error;
      }
      return settle(hub, spec, start, args, out);
    };
  }
  /* eslint-disable prefer-rest-params -- `arguments` passed straight to apply is never built */
  return function (this: unknown): unknown {
    const hub = OperationHub.current();
    if (hub === undefined || takeRouteHandlerClaim(meta) !== undefined)
      return fn.apply(this, arguments as unknown as unknown[]);
    const start = operationClock();
    let out: unknown;
    try {
      out = fn.apply(this, arguments as unknown as unknown[]);
    } catch (error) {
      emitDefect(hub, spec, start, NO_ARGS, error);
      throw error;
    }
    return settle(hub, spec, start, NO_ARGS, out);
  };
  /* eslint-enable prefer-rest-params */
}

function classNameOf(target: object): string {
  if (typeof target === 'function') return target.name || 'Anonymous';
  const ctor = (target as { constructor?: { name?: string } }).constructor;
  return ctor?.name || 'Anonymous';
}
