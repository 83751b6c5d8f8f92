import { CorrelationContext } from '../correlation/correlation-context';
import { copyMethodMetadata } from '../correlation/method-metadata';
import type {
  OperationEvent,
  OperationLogOptions,
} from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { FluxResult } from '../result/flux-result';
import { MonoResult } from '../result/mono-result';
import { isResult } from '../result/result';
import { RFS_LOG_OPERATION_METADATA } from '../rfs.constants';
import { observeFlux } from './flux-observer';
import { RFS_LOG_LEVELS, type RfsLogLevel } from './log-levels';
import { takeRouteHandlerClaim } from './route-handler-claim';

/** Options of {@link LogResultOperation}. Unset fields fall back to the `logging` section. */
export interface LogResultOperationOptions {
  /** Level of Ok lines (default `logging.level`, `info`). */
  readonly level?: RfsLogLevel;
  /** Level of Err lines (default `logging.errLevel`, `warn`); defects are always `error`. */
  readonly errLevel?: RfsLogLevel;
  /** Log the call's arguments (redacted). */
  readonly includeArgs?: boolean;
  /** Log the Ok value (redacted). */
  readonly includeResult?: boolean;
  /** Over this duration (ms) an Ok line is written at `warn` with `slow: true`. */
  readonly slowMs?: number;
  /** Fraction (0–1) of Ok lines written; Err, defect and slow lines are always written. */
  readonly sampleRate?: number;
}

/** What `@LogResultOperation` stores under `RFS_LOG_OPERATION_METADATA` on the wrapper. */
export interface LogResultOperationMetadata {
  /** The operation name the wrapper reports. */
  readonly operation: string;
  /** The decorator's options. */
  readonly options: OperationLogOptions;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;
type AnyMono = MonoResult<unknown, unknown>;

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
  const log = checkOptions(opts);
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
    const spec: Spec = {
      operation,
      log,
      includeArgs: log.includeArgs === true,
    };
    const fn = original as AnyMethod;
    const meta: LogResultOperationMetadata = { operation, options: log };
    const wrapper = function (this: unknown): unknown {
      // `arguments` instead of a rest array: V8 passes it to apply without copying
      // eslint-disable-next-line prefer-rest-params
      const argv = arguments as unknown as unknown[];
      const hub = OperationHub.current();
      if (hub === undefined) return fn.apply(this, argv);
      // Running as the route handler of the HTTP call ResultInterceptor is timing: that pass
      // writes the one line and records the one metric, with this decorator's name and options.
      const claim = takeRouteHandlerClaim(meta);
      if (claim !== undefined) {
        if (spec.includeArgs) claim.args = Array.prototype.slice.call(argv);
        return fn.apply(this, argv);
      }
      const start = performance.now();
      const args = spec.includeArgs
        ? Array.prototype.slice.call(argv)
        : NO_ARGS;
      let out: unknown;
      try {
        out = fn.apply(this, argv);
      } catch (error) {
        emitDefect(hub, spec, start, args, error);
        throw error;
      }
      return settle(hub, spec, start, args, out);
    };
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

const NO_ARGS: unknown[] = [];

/** What a wrapper needs per call, built once at decoration time. */
interface Spec {
  readonly operation: string;
  readonly log: OperationLogOptions;
  readonly includeArgs: boolean;
}

function settle(
  hub: OperationHub,
  spec: Spec,
  start: number,
  args: unknown[],
  out: unknown,
): unknown {
  if (out instanceof Promise) {
    return out.then(
      (value: unknown) => {
        // an async method resolving to a FluxResult is reported when the stream completes
        if (value instanceof FluxResult) return wrapFlux(spec, args, value);
        emitValue(hub, spec, start, args, value);
        return value;
      },
      (error: unknown) => {
        emitDefect(hub, spec, start, args, error);
        throw error;
      },
    );
  }
  if (out instanceof MonoResult) return wrapMono(spec, args, out as AnyMono);
  if (out instanceof FluxResult) return wrapFlux(spec, args, out);
  if (isThenable(out)) {
    return settle(hub, spec, start, args, Promise.resolve(out));
  }
  emitValue(hub, spec, start, args, out);
  return out;
}

/** A FluxResult over the same items that reports once per subscription, on completion. */
function wrapFlux(
  spec: Spec,
  args: unknown[],
  flux: FluxResult<unknown, unknown>,
): FluxResult<unknown, unknown> {
  return observeFlux(flux, (outcome, counts, durationMs, error) =>
    emit(OperationHub.current(), {
      operation: spec.operation,
      outcome,
      durationMs,
      source: 'flux',
      error,
      flux: counts,
      args: spec.includeArgs ? args : undefined,
      correlationId: CorrelationContext.getId(),
      log: spec.log,
    }),
  );
}

/** A mono that runs `mono` and reports each run (timed from the run's start). */
function wrapMono(spec: Spec, args: unknown[], mono: AnyMono): AnyMono {
  return MonoResult.fromAsync<unknown, unknown>(async (signal) => {
    const start = performance.now();
    try {
      const r = await mono.run(signal);
      emitValue(OperationHub.current(), spec, start, args, r);
      return r;
    } catch (error) {
      // a cancellation is not an outcome: nothing to log
      if (!(signal.aborted && error === signal.reason))
        emitDefect(OperationHub.current(), spec, start, args, error);
      throw error;
    }
  });
}

function emitValue(
  hub: OperationHub | undefined,
  spec: Spec,
  start: number,
  args: unknown[],
  value: unknown,
): void {
  const durationMs = performance.now() - start;
  if (hub === undefined) return;
  let event: OperationEvent;
  if (isResult(value)) {
    event = value.isOk()
      ? {
          operation: spec.operation,
          outcome: 'ok',
          durationMs,
          source: 'method',
          value: value.value,
          args: spec.includeArgs ? args : undefined,
          correlationId: CorrelationContext.getId(),
          log: spec.log,
        }
      : {
          operation: spec.operation,
          outcome: 'err',
          durationMs,
          source: 'method',
          error: value.error,
          args: spec.includeArgs ? args : undefined,
          correlationId: CorrelationContext.getId(),
          log: spec.log,
        };
  } else {
    event = {
      operation: spec.operation,
      outcome: 'ok',
      durationMs,
      source: 'method',
      value,
      args: spec.includeArgs ? args : undefined,
      correlationId: CorrelationContext.getId(),
      log: spec.log,
    };
  }
  hub.emit(event);
}

function emitDefect(
  hub: OperationHub | undefined,
  spec: Spec,
  start: number,
  args: unknown[],
  error: unknown,
): void {
  emit(hub, {
    operation: spec.operation,
    outcome: 'defect',
    durationMs: performance.now() - start,
    source: 'method',
    error,
    args: spec.includeArgs ? args : undefined,
    correlationId: CorrelationContext.getId(),
    log: spec.log,
  });
}

function emit(hub: OperationHub | undefined, event: OperationEvent): void {
  if (hub === undefined) return;
  try {
    hub.emit(event);
  } catch {
    // the hub isolates listeners; this guards against a broken hub
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function classNameOf(target: object): string {
  if (typeof target === 'function') return target.name || 'Anonymous';
  const ctor = (target as { constructor?: { name?: string } }).constructor;
  return ctor?.name || 'Anonymous';
}

function checkOptions(o: LogResultOperationOptions): OperationLogOptions {
  const problems: string[] = [];
  if (typeof o !== 'object' || o === null) {
    throw new TypeError(
      '@LogResultOperation(name?, options?): options must be an object.',
    );
  }
  const known = [
    'level',
    'errLevel',
    'includeArgs',
    'includeResult',
    'slowMs',
    'sampleRate',
  ];
  for (const key of Object.keys(o)) {
    if (!known.includes(key))
      problems.push(
        `${key} is not a known option; accepted: ${known.join(', ')}`,
      );
  }
  for (const key of ['level', 'errLevel'] as const) {
    const v = o[key];
    if (v !== undefined && !(RFS_LOG_LEVELS as readonly unknown[]).includes(v))
      problems.push(
        `${key} must be one of ${RFS_LOG_LEVELS.join(', ')}, got ${String(v)}`,
      );
  }
  for (const key of ['includeArgs', 'includeResult'] as const) {
    const v = o[key];
    if (v !== undefined && typeof v !== 'boolean')
      problems.push(`${key} must be true or false`);
  }
  if (
    o.slowMs !== undefined &&
    !(
      typeof o.slowMs === 'number' &&
      Number.isFinite(o.slowMs) &&
      o.slowMs >= 0
    )
  )
    problems.push(`slowMs must be a number ≥ 0, got ${String(o.slowMs)}`);
  if (
    o.sampleRate !== undefined &&
    !(
      typeof o.sampleRate === 'number' &&
      o.sampleRate >= 0 &&
      o.sampleRate <= 1
    )
  )
    problems.push(
      `sampleRate must be a number between 0 and 1, got ${String(o.sampleRate)}`,
    );
  if (problems.length > 0) {
    throw new TypeError(
      `Invalid @LogResultOperation options:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return Object.freeze({ ...o });
}
