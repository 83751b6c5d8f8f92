import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { SSE_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { Observable } from 'rxjs';
import { CorrelationContext } from '../correlation/correlation-context';
import {
  correlationStoreOf,
  exposeExchangeHeaders,
  httpExchangeOf,
} from '../correlation/correlation.middleware';
import {
  offerRouteHandlerClaim,
  runWithRouteHandlerClaim,
} from '../logging/route-handler-claim';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { getRfsOptionsToken } from '../rfs-options.provider';
import { RFS_FLUX_RESPONSE_METADATA } from '../rfs.constants';
import type { RfsModuleOptions } from '../rfs.options';
import {
  DEFAULT_FLUX_RESPONSE,
  type FluxResponseOptions,
} from './flux-response.decorator';
import {
  type AdapterRequest,
  type AdapterResponse,
  requestPath,
} from './http-response';
import { negotiatedFluxOptions } from './ndjson';
import { type Problem, ProblemDetailsFactory } from './problem-details';
import { HttpCall, type MarkedRequest } from './http-call';
import { InjectedDeps } from './injected-deps';
import { CALL } from './request-abort';
import {
  controllerRoutes,
  isUntracked,
  logMetadataOf,
  type RfsRouteInfo,
  routeOperationName,
  writesOwnResponse,
} from './route-metadata';

export {
  isUntracked,
  logMetadataOf,
  routeMethodNames,
  routeOperationName,
} from './route-metadata';
export type { RfsRouteInfo } from './route-metadata';
export { thrownProblemOf } from './exception-handoff';
export {
  CLIENT_CLOSED_REQUEST,
  requestAbortSignal,
  sharedRequestAbortController,
} from './request-abort';

/**
 * The Result → HTTP boundary and the one interceptor pass nestjs-rfs adds per request.
 *
 * A handler may return a `Result` (Ok → the value with the route's status; Err →
 * `application/problem+json` with the error's status), a `Promise<Result>`, a `MonoResult` (run
 * with a signal that aborts when the client disconnects), a `FluxResult` (batch envelope, or
 * NDJSON with `@FluxResponse({ mode: 'ndjson' })` / `Accept: application/x-ndjson`; on `@Sse()`
 * routes one event per item), or anything else (passed through untouched).
 *
 * It times the handler once and emits ONE {@link OperationEvent} (`source: 'http'`) to the
 * {@link OperationHub}; Result logging and metrics listen there instead of adding interceptors.
 * RfsModule registers it globally (`http.interceptor: false` opts out). Subclass it and override
 * the protected hooks (`isTracked`, `operationName`, `fluxOptionsFor`, `problemFor`,
 * `onOperation`) to change behaviour, then register your class as `APP_INTERCEPTOR` with
 * `http.interceptor: false`. It takes no constructor parameters (its dependencies are injected as
 * properties), so a subclass may have a constructor of its own that calls `super()`.
 *
 * @example
 * ```ts
 * @Get(':id')
 * find(@Param('id') id: string): Promise<Result<Order, RfsError>> {
 *   return this.orders.find(id); // Ok → 200 JSON, Err(notFound) → 404 problem+json
 * }
 * ```
 */
@Injectable()
export class ResultInterceptor
  implements NestInterceptor, OnApplicationBootstrap, OnModuleDestroy
{
  // No constructor parameters: Nest injects these as properties, so a subclass may declare a
  // constructor of its own (its parameters are then all its own) and call `super()`.
  @Optional()
  @Inject(getRfsOptionsToken())
  private readonly injectedOptions?: RfsModuleOptions;
  @Optional()
  @Inject(ProblemDetailsFactory)
  private readonly injectedProblems?: ProblemDetailsFactory;
  @Optional()
  @Inject(OperationHub)
  private readonly injectedHub?: OperationHub;
  @Optional()
  @Inject(ModulesContainer)
  private readonly injectedModules?: ModulesContainer;

  private readonly routes = new WeakMap<object, Map<object, RfsRouteInfo>>();
  readonly #deps = new InjectedDeps<ResultInterceptorDeps, InterceptorDeps>(
    (given) => this.#resolveDeps(given),
    {},
  );

  /**
   * An interceptor built by hand (a unit test) with `deps`; in an application Nest creates it
   * and injects them. Whatever `deps` leaves out is injected if Nest creates the instance.
   */
  static create<T extends ResultInterceptor>(
    this: new () => T,
    deps: ResultInterceptorDeps,
  ): T {
    const instance = new this();
    instance.#deps.give(deps);
    return instance;
  }

  /** Problem bodies and statuses. */
  get problems(): ProblemDetailsFactory {
    return this.#deps.get().problems;
  }

  /** Whether the `Server-Timing: app;dur=<ms>` header is added (`http.timingHeader`). */
  get timingHeader(): boolean {
    return this.#deps.get().timingHeader;
  }

  /** Whether ResultExceptionFilter renders thrown errors (the event's status depends on it). */
  get filterRendersErrors(): boolean {
    return this.#deps.get().filterRendersErrors;
  }

  #resolveDeps(given: ResultInterceptorDeps): InterceptorDeps {
    const options = given.options ?? this.injectedOptions;
    const http = options?.http;
    return {
      problems:
        given.problems ??
        this.injectedProblems ??
        new ProblemDetailsFactory(options),
      hub: given.hub ?? this.injectedHub,
      modules: given.modules ?? this.injectedModules,
      timingHeader: http === false ? false : (http?.timingHeader ?? true),
      filterRendersErrors:
        http === false ? false : (http?.exceptionFilter ?? true),
    };
  }

  /** Makes this interceptor's problem factory the current one and declares every route's operation. */
  onApplicationBootstrap(): void {
    this.#deps.refresh();
    ProblemDetailsFactory.setCurrent(this.problems);
    this.declareRoutes();
  }

  /** Forgets the current problem factory if it is this interceptor's. */
  onModuleDestroy(): void {
    if (ProblemDetailsFactory.current() === this.problems) {
      ProblemDetailsFactory.setCurrent(undefined);
    }
  }

  /** See the class documentation. */
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<MarkedRequest>();
    // A second RfsModule (or a manual registration next to the global one) must not wrap twice.
    if (req[CALL] !== undefined || !this.isTracked(context)) {
      return next.handle();
    }
    const route = this.routeInfo(context);
    if (route.ownResponse === true) {
      // the handler may write Node's response itself, past a Fastify reply's headers
      const exchange = httpExchangeOf(CorrelationContext.storage.getStore());
      if (exchange !== undefined) exposeExchangeHeaders(exchange);
    }
    const call = new HttpCall(
      this,
      context,
      route,
      req,
      http.getResponse<AdapterResponse>(),
    );
    req[CALL] = call;
    // A @LogResultOperation handler leaves its line and metric to this pass (one timing). The
    // claim is a property of the request's correlation store; without one (correlation off or
    // excluded) the handler is subscribed inside a context that carries it.
    if (route.log !== undefined && !offerRouteHandlerClaim(call)) {
      if (route.sse)
        return runWithRouteHandlerClaim(call, () =>
          call.sse(call.handle(next)),
        );
      return new Observable<unknown>((subscriber) =>
        runWithRouteHandlerClaim(call, () => call.attach(subscriber, next)),
      );
    }
    if (route.sse) return call.sse(call.handle(next));
    return new Observable<unknown>((subscriber) =>
      call.attach(subscriber, next),
    );
  }

  // ──────────────────────────── protected hooks ────────────────────────────

  /**
   * Whether this request is timed, logged and recorded (default: every route except those
   * marked with `RFS_UNTRACKED_METADATA` on the handler or controller, such as the dashboard's
   * own polling routes). Untracked requests pass through untouched.
   */
  protected isTracked(context: ExecutionContext): boolean {
    return this.routeInfo(context).tracked;
  }

  /**
   * Operation name of a route: `@RfsOperation` name, else the `@LogResultOperation` name
   * (explicit or its `ClassName.method` default), else `Controller.handler`.
   */
  protected operationName(context: ExecutionContext): string {
    const handler = context.getHandler();
    return routeOperationName(context.getClass(), handler, handler.name);
  }

  /** How a FluxResult is answered: `@FluxResponse` options, NDJSON when the client accepts it. */
  protected fluxOptionsFor(
    context: ExecutionContext,
    route: RfsRouteInfo,
  ): Readonly<FluxResponseOptions> {
    const req = context.switchToHttp().getRequest<AdapterRequest>();
    return negotiatedFluxOptions(route.flux, req.headers?.accept);
  }

  /** The problem for an Err's error (`thrown = false`) or a thrown value (`thrown = true`). */
  protected problemFor(
    error: unknown,
    context: ExecutionContext,
    thrown: boolean,
  ): Problem {
    const req = context.switchToHttp().getRequest<AdapterRequest>();
    const correlationId =
      CorrelationContext.getId() ?? correlationStoreOf(req)?.id;
    return this.problems.create(
      error,
      { instance: requestPath(req), correlationId },
      thrown,
    );
  }

  /** Hands the finished request's event to the hub (override to enrich or filter it). */
  protected onOperation(
    event: OperationEvent,
    _context: ExecutionContext,
  ): void {
    (this.#deps.get().hub ?? OperationHub.current())?.emit(event);
  }

  // ──────────────────────────── internals ────────────────────────────

  /** Route facts, computed once per (controller, handler). */
  routeInfo(context: ExecutionContext): RfsRouteInfo {
    const cls = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.routes.get(cls);
    if (byHandler === undefined) {
      byHandler = new Map();
      this.routes.set(cls, byHandler);
    }
    let info = byHandler.get(handler);
    if (info === undefined) {
      const flux: unknown = Reflect.getMetadata(
        RFS_FLUX_RESPONSE_METADATA,
        handler,
      );
      info = {
        operation: this.operationName(context),
        log: logMetadataOf(handler),
        flux:
          (flux as FluxResponseOptions | undefined) ?? DEFAULT_FLUX_RESPONSE,
        sse: Reflect.getMetadata(SSE_METADATA, handler) === true,
        tracked: !isUntracked(cls, handler),
        ownResponse: writesOwnResponse(cls, handler.name),
      };
      byHandler.set(handler, info);
    }
    return info;
  }

  /** @internal */
  fluxOptions(call: HttpCall): Readonly<FluxResponseOptions> {
    return this.fluxOptionsFor(call.context, call.route);
  }

  /** @internal */
  problem(call: HttpCall, error: unknown, thrown: boolean): Problem {
    return this.problemFor(error, call.context, thrown);
  }

  /** @internal */
  emit(call: HttpCall, event: OperationEvent): void {
    try {
      this.onOperation(event, call.context);
    } catch {
      // observability never throws into business code
    }
  }

  /** Announces `Controller.handler` (or `@RfsOperation`) of every route to the hub. */
  private declareRoutes(): void {
    const hub = this.#deps.get().hub ?? OperationHub.current();
    const modules = this.#deps.get().modules;
    if (!hub || !modules) return;
    for (const { cls, name, fn } of controllerRoutes(modules)) {
      if (!isUntracked(cls, fn))
        hub.announce(routeOperationName(cls, fn, name));
    }
  }
}

/** What {@link ResultInterceptor.create} uses (each one optional). */
export interface ResultInterceptorDeps {
  /** Resolved RfsModule options (`resolveRfsOptions(input)`). */
  options?: RfsModuleOptions;
  /** Problem factory (default: one built from `options`). */
  problems?: ProblemDetailsFactory;
  /** Where operation events go (default: the current application's hub). */
  hub?: OperationHub;
  /** Nest's modules, to declare every route's operation at bootstrap. */
  modules?: ModulesContainer;
}

interface InterceptorDeps {
  readonly problems: ProblemDetailsFactory;
  readonly hub: OperationHub | undefined;
  readonly modules: ModulesContainer | undefined;
  readonly timingHeader: boolean;
  readonly filterRendersErrors: boolean;
}
