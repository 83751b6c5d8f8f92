import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CorrelationContext,
  type CorrelationStore,
} from '../correlation/correlation-context';
import {
  CorrelationMiddleware,
  correlationOriginOf,
  httpExchangeOf,
} from '../correlation/correlation.middleware';
import { copyMethodMetadata } from '../correlation/method-metadata';
import {
  offerRouteHandlerClaim,
  runWithRouteHandlerClaim,
} from '../logging/route-handler-claim';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { getRfsOptionsToken } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import { enteredHandlerCall } from './entered-handler-call';
import { HandlerCall } from './handler-call';
import { registeredRouteTemplates } from './route-template';
import { ProblemDetailsFactory } from './problem-details';
import {
  isUntracked,
  type PipelineRoute,
  routeMethodNames,
  routeOf,
} from './route-metadata';

/** One application's pipeline and route behind a wrapper. */
interface Owner {
  readonly pipeline: ResultHandlerPipeline;
  readonly route: PipelineRoute;
}

/**
 * The wrapper's link back to what it replaced, and the applications using it: a prototype's
 * wrapper (request-scoped controller) is shared by every live application serving that class,
 * and each request is handled by its own application's pipeline (hub, problems, route).
 */
interface Installed {
  readonly original: (...args: unknown[]) => unknown;
  readonly owners: Owner[];
}

const INSTALLED = Symbol.for('rfs:handler-pipeline-installed');
/** Route handler calls outside a correlation context: set while one runs (nested calls pass). */
const enteredWithoutStore = new AsyncLocalStorage<true>();

type Wrapper = ((...args: unknown[]) => unknown) & { [INSTALLED]?: Installed };

/**
 * The interceptor-free Result → HTTP boundary (`http.pipeline: 'handler'`): instead of a global
 * interceptor, each controller route method is wrapped once at startup (before Nest registers
 * its routes, with all `Reflect` metadata copied so guards, pipes, `@HttpCode`, `@Sse` and
 * Swagger keep working). The wrapper times the handler once, unwraps `Result`,
 * `Promise<Result>`, `MonoResult` (run with the request's client-disconnect signal) and
 * `FluxResult` (batch, NDJSON, SSE), and emits ONE {@link OperationEvent} to the hub, exactly
 * like {@link ResultInterceptor}. Ok values go back to Nest (sent with the route's status); an
 * Err or a batch whose status differs from the route's is thrown as a stack-less
 * {@link PreparedHttpResponse} that {@link ResultExceptionFilter} writes (so the filter is
 * required in this mode). Headers (`Server-Timing`, `X-Batch-*`) are set on the Node response
 * the correlation middleware leaves in the request's context; without that context (correlation
 * off or the route excluded) they are skipped and MonoResults run without the abort signal.
 *
 * RfsModule provides it and calls {@link install}; it only wraps when `http.pipeline` is
 * `'handler'`.
 *
 * @example
 * ```ts
 * RfsModule.forRoot({ http: { pipeline: 'handler' } });
 * ```
 */
@Injectable()
export class ResultHandlerPipeline
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  /** Problem bodies and statuses. */
  readonly problems: ProblemDetailsFactory;
  /** Whether the `Server-Timing: app;dur=<ms>` header is added (`http.timingHeader`). */
  readonly timingHeader: boolean;
  /** Whether this instance wrapped the routes (`http.pipeline: 'handler'`). */
  readonly active: boolean;
  private installed = false;
  private readonly operations = new Set<string>();
  private readonly templateJobs: {
    route: PipelineRoute;
    module: unknown;
    cls: object;
    handler: object;
  }[] = [];
  private readonly onInstances: {
    target: object;
    name: string;
    fn: Wrapper;
  }[] = [];
  private readonly onPrototypes: {
    target: object;
    name: string;
    fn: Wrapper;
  }[] = [];

  constructor(
    @Optional()
    @Inject(getRfsOptionsToken())
    options?: RfsModuleOptions,
    @Optional() problems?: ProblemDetailsFactory,
    @Optional() private readonly hub?: OperationHub,
    @Optional() private readonly modules?: ModulesContainer,
    @Optional() readonly correlation?: CorrelationMiddleware,
  ) {
    this.problems = problems ?? new ProblemDetailsFactory(options);
    const http = options?.http;
    this.active =
      http !== undefined &&
      http !== false &&
      http.interceptor &&
      http.pipeline === 'handler';
    this.timingHeader = http === false ? false : (http?.timingHeader ?? true);
  }

  /**
   * Wraps the route methods (RfsModule calls it from `configure`, after every controller is
   * created and before Nest registers the routes, which captures `instance[method]`). A
   * singleton controller gets the wrapper as an own property of its instance, removed again
   * once the routes hold it ({@link onModuleInit}): direct calls of the method (tests, other
   * providers) keep the original. Request-scoped controllers are created per request from the
   * prototype, so theirs is wrapped until the application closes.
   */
  install(): void {
    if (!this.active || !this.modules || this.installed) return;
    this.installed = true;
    for (const module of this.modules.values()) {
      for (const wrapper of module.controllers.values()) {
        const cls = wrapper.metatype as (new () => object) | null;
        if (typeof cls !== 'function') continue;
        const singleton = wrapper.isDependencyTreeStatic();
        const instance = singleton
          ? (wrapper.instance as Record<string, unknown> | undefined)
          : undefined;
        if (singleton && instance === undefined) continue;
        for (const name of routeMethodNames(cls)) {
          this.wrapMethod(cls, name, instance, module);
        }
      }
    }
  }

  /** Takes the wrappers off singleton controller instances (the routes keep them). */
  onModuleInit(): void {
    for (const { target, name, fn } of this.onInstances) {
      if (Object.getOwnPropertyDescriptor(target, name)?.value === fn) {
        delete (target as Record<string, unknown>)[name];
      }
    }
    this.onInstances.length = 0;
  }

  /**
   * Makes this pipeline's problem factory the current one, declares every route's operation
   * and learns each route's full templates (global prefix and URI version are set by now).
   */
  onApplicationBootstrap(): void {
    if (!this.active) return;
    ProblemDetailsFactory.setCurrent(this.problems);
    for (const { route, module, cls, handler } of this.templateJobs) {
      route.templates = registeredRouteTemplates(
        this.modules!,
        module,
        cls,
        handler,
        Number(Reflect.getMetadata(METHOD_METADATA, handler) ?? 0),
      );
    }
    this.templateJobs.length = 0;
    const hub = this.hub ?? OperationHub.current();
    for (const operation of this.operations) hub?.announce(operation);
  }

  /** Restores prototype methods (when no other live application uses the wrappers). */
  onModuleDestroy(): void {
    this.onModuleInit();
    if (ProblemDetailsFactory.current() === this.problems) {
      ProblemDetailsFactory.setCurrent(undefined);
    }
    for (const { target, name, fn } of this.onPrototypes) {
      const owners = fn[INSTALLED]!.owners;
      const i = owners.findIndex((o) => o.pipeline === this);
      if (i >= 0) owners.splice(i, 1);
      if (owners.length > 0) continue;
      const desc = Object.getOwnPropertyDescriptor(target, name);
      if (desc?.value === fn) {
        Object.defineProperty(target, name, {
          ...desc,
          value: fn[INSTALLED]!.original,
        });
      }
    }
    this.onPrototypes.length = 0;
  }

  /** @internal hands a finished request's event to the hub */
  emit(event: OperationEvent): void {
    try {
      (this.hub ?? OperationHub.current())?.emit(event);
    } catch {
      // observability never throws into business code
    }
  }

  private wrapMethod(
    cls: new () => object,
    name: string,
    instance: Record<string, unknown> | undefined,
    module: unknown,
  ): void {
    const proto = cls.prototype as Record<string, unknown>;
    const current = (instance ?? proto)[name] as Wrapper;
    if (isUntracked(cls, current)) return;
    const existing = current[INSTALLED];
    if (existing !== undefined && instance !== undefined) return;
    const original = existing?.original ?? current;
    const route = routeOf(cls, original, name);
    this.operations.add(route.operation);
    this.templateJobs.push({ route, module, cls, handler: original });
    if (existing !== undefined) {
      // a prototype another live application already wrapped: its requests come here too
      existing.owners.push({ pipeline: this, route });
      this.onPrototypes.push({ target: proto, name, fn: current });
      return;
    }
    const installed: Installed = {
      original,
      owners: [{ pipeline: this, route }],
    };
    const fn = makeWrapper(installed);
    copyMethodMetadata(original, fn);
    Object.defineProperty(fn, 'length', {
      value: original.length,
      configurable: true,
    });
    fn[INSTALLED] = installed;
    if (instance !== undefined) {
      Object.defineProperty(instance, name, {
        value: fn,
        writable: true,
        enumerable: false,
        configurable: true,
      });
      this.onInstances.push({ target: instance, name, fn });
      return;
    }
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    Object.defineProperty(proto, name, {
      writable: true,
      enumerable: false,
      configurable: true,
      ...desc,
      value: fn,
    });
    this.onPrototypes.push({ target: proto, name, fn });
  }
}

/** The owner serving the request of `store` (by the application's correlation middleware). */
function ownerOf(owners: Owner[], store: CorrelationStore | undefined): Owner {
  const origin = correlationOriginOf(store);
  if (origin !== undefined) {
    for (const owner of owners) {
      if (owner.pipeline.correlation === origin) return owner;
    }
  }
  return owners[0];
}

function makeWrapper(installed: Installed): Wrapper {
  const { original, owners } = installed;
  return function rfsRouteHandler(this: unknown, ...args: unknown[]) {
    if (owners.length === 0) return original.apply(this, args);
    const store = CorrelationContext.storage.getStore();
    const { pipeline, route } =
      owners.length === 1 ? owners[0] : ownerOf(owners, store);
    let exchange: ReturnType<typeof httpExchangeOf>;
    if (store !== undefined) {
      exchange = httpExchangeOf(store);
      // a context that is not an HTTP request's (rpc, ws, @WithCorrelation), or a nested call
      if (exchange === undefined || enteredHandlerCall(store) !== undefined) {
        return original.apply(this, args);
      }
    }
    const call = new HandlerCall(pipeline, route, store, exchange);
    if (store === undefined) {
      // no correlation context (correlation off or the route excluded): mark the call tree
      if (enteredWithoutStore.getStore() === true) {
        return original.apply(this, args);
      }
      return enteredWithoutStore.run(true, () =>
        route.log !== undefined
          ? runWithRouteHandlerClaim(call, () => call.run(original, this, args))
          : call.run(original, this, args),
      );
    }
    if (route.log !== undefined && !offerRouteHandlerClaim(call)) {
      return runWithRouteHandlerClaim(call, () =>
        call.run(original, this, args),
      );
    }
    return call.run(original, this, args);
  };
}
