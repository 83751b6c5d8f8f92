import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Optional,
  StreamableFile,
} from '@nestjs/common';
import { SSE_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { performance } from 'node:perf_hooks';
import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { CorrelationContext } from '../correlation/correlation-context';
import { correlationStoreOf } from '../correlation/correlation.middleware';
import type { LogResultOperationMetadata } from '../logging/log-result-operation.decorator';
import {
  offerRouteHandlerClaim,
  type RouteHandlerClaim,
  runWithRouteHandlerClaim,
} from '../logging/route-handler-claim';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import type { OperationOutcome } from '../result/outcome';
import { runWithAbortSignal } from '../result/mono-result';
import { isResult } from '../result/result';
import { getRfsOptionsToken } from '../rfs-options.provider';
import { RFS_FLUX_RESPONSE_METADATA } from '../rfs.constants';
import type { RfsModuleOptions } from '../rfs.options';
import { BatchCollector } from './flux-batch';
import {
  DEFAULT_FLUX_RESPONSE,
  type FluxResponseOptions,
} from './flux-response.decorator';
import {
  type AdapterRequest,
  type AdapterResponse,
  rawResponse,
  requestMethod,
  requestPath,
  routeTemplate,
  setResponseHeader,
  setResponseStatus,
  watchClientDisconnect,
} from './http-response';
import { NDJSON_CONTENT_TYPE, NdjsonStream } from './ndjson';
import {
  type Problem,
  PROBLEM_CONTENT_TYPE,
  ProblemDetailsFactory,
} from './problem-details';
import type { FluxResult } from '../result/flux-result';
import { isFluxResult, isMonoResult } from './result-kinds';
import {
  type SseEventCounts,
  sseResponse,
  type SseResponseListener,
} from './sse-response';
import {
  isUntracked,
  logMetadataOf,
  type RfsRouteInfo,
  routeMethodNames,
  routeOperationName,
} from './route-metadata';

export {
  isUntracked,
  logMetadataOf,
  routeMethodNames,
  routeOperationName,
} from './route-metadata';
export type { RfsRouteInfo } from './route-metadata';

/** Status recorded for a request whose client went away (nginx's "client closed request"). */
export const CLIENT_CLOSED_REQUEST = 499;

const CALL = Symbol.for('rfs:http-call');

const THROWN = Symbol.for('rfs:http-thrown-problem');

interface MarkedRequest extends AdapterRequest {
  [CALL]?: HttpCall;
  [THROWN]?: { error: unknown; problem: Problem };
}

/**
 * The problem ResultInterceptor computed for an error thrown by `request`'s handler, so the
 * exception filter renders the same status without classifying the error twice.
 */
export function thrownProblemOf(
  request: unknown,
  error: unknown,
): Problem | undefined {
  const stash = (request as MarkedRequest | undefined)?.[THROWN];
  return stash !== undefined && stash.error === error
    ? stash.problem
    : undefined;
}

/**
 * A signal that aborts when the client of this request disconnects before the response is
 * written. Shares the signal ResultInterceptor gives MonoResults; works without it too.
 */
export function requestAbortSignal(
  request: unknown,
  response: unknown,
): AbortSignal {
  const call = (request as MarkedRequest | undefined)?.[CALL];
  if (call !== undefined) return call.signal;
  const raw = rawRequestOf(request);
  const shared = raw?.[REQUEST_SIGNAL];
  if (shared !== undefined) return shared.signal;
  const { controller } = watchClientDisconnect(response as AdapterResponse);
  if (raw !== undefined) raw[REQUEST_SIGNAL] = controller;
  return controller.signal;
}

/** Where {@link requestAbortSignal} leaves its controller on the Node request (shared per request). */
const REQUEST_SIGNAL = Symbol.for('rfs:http-request-signal');

type SignalHolder = { [REQUEST_SIGNAL]?: AbortController };

function rawRequestOf(request: unknown): SignalHolder | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  return ((request as AdapterRequest).raw ?? request) as SignalHolder;
}

/**
 * The client-disconnect controller already created for this (Express, Fastify or Node) request
 * by {@link requestAbortSignal} or the handler pipeline, or `undefined`; `controller` sets it.
 *
 * @internal shared with the handler pipeline
 */
export function sharedRequestAbortController(
  request: unknown,
  controller?: AbortController,
): AbortController | undefined {
  const raw = rawRequestOf(request);
  if (raw === undefined) return undefined;
  if (controller !== undefined) raw[REQUEST_SIGNAL] ??= controller;
  return raw[REQUEST_SIGNAL];
}

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
 * `onOperation`) to change behaviour, then provide your class in place of this one.
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
  /** Problem bodies and statuses. */
  readonly problems: ProblemDetailsFactory;
  /** Whether the `Server-Timing: app;dur=<ms>` header is added (`http.timingHeader`). */
  readonly timingHeader: boolean;
  /** Whether ResultExceptionFilter renders thrown errors (the event's status depends on it). */
  readonly filterRendersErrors: boolean;
  private readonly routes = new WeakMap<object, Map<object, RfsRouteInfo>>();

  constructor(
    @Optional()
    @Inject(getRfsOptionsToken())
    options?: RfsModuleOptions,
    @Optional() problems?: ProblemDetailsFactory,
    @Optional() private readonly hub?: OperationHub,
    @Optional() private readonly modules?: ModulesContainer,
  ) {
    this.problems = problems ?? new ProblemDetailsFactory(options);
    const http = options?.http;
    this.timingHeader = http === false ? false : (http?.timingHeader ?? true);
    this.filterRendersErrors =
      http === false ? false : (http?.exceptionFilter ?? true);
  }

  /** Makes this interceptor's problem factory the current one and declares every route's operation. */
  onApplicationBootstrap(): void {
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
    if (route.flux.mode === 'ndjson') return route.flux;
    const req = context.switchToHttp().getRequest<AdapterRequest>();
    const accept = req.headers?.accept;
    if (typeof accept === 'string' && accept.includes(NDJSON_CONTENT_TYPE)) {
      return { ...route.flux, mode: 'ndjson' };
    }
    return route.flux;
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
    (this.hub ?? OperationHub.current())?.emit(event);
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
    const hub = this.hub ?? OperationHub.current();
    if (!hub || !this.modules) return;
    for (const module of this.modules.values()) {
      for (const wrapper of module.controllers.values()) {
        const cls = wrapper.metatype as (new () => object) | null;
        if (typeof cls !== 'function') continue;
        for (const name of routeMethodNames(cls)) {
          const fn = (cls.prototype as Record<string, unknown>)[name];
          if (isUntracked(cls, fn)) continue;
          hub.announce(routeOperationName(cls, fn, name));
        }
      }
    }
  }
}

/**
 * One request through ResultInterceptor: the Observer of the handler's Observable and the
 * teardown of what it started. One object per request instead of a closure per step.
 */
class HttpCall implements RouteHandlerClaim, SseResponseListener {
  readonly start = performance.now();
  /** {@link RouteHandlerClaim}: the handler's `@LogResultOperation` metadata. */
  readonly logMetadata: LogResultOperationMetadata | undefined;
  /** {@link RouteHandlerClaim}: arguments handed over by the decorated handler. */
  args: readonly unknown[] | undefined = undefined;
  /** {@link RouteHandlerClaim}: the decorated handler ran (or this call ended). */
  taken = false;
  /** The Ok value, kept only for a `@LogResultOperation` handler (valueType, includeResult). */
  private value: unknown = undefined;
  private downstream?: Subscriber<unknown>;
  private upstream?: Subscription;
  private work?: Subscription;
  private pending = 0;
  private upstreamComplete = false;
  private done = false;
  private abortController?: AbortController;
  private closeWatch?: () => void;
  private outcome: OperationOutcome = 'ok';
  private failure?: unknown;
  private streaming = false;
  private streamEnded = false;
  private durationMs = 0;
  private status?: number;
  private fluxCounts?: { ok: number; err: number };

  constructor(
    readonly owner: ResultInterceptor,
    readonly context: ExecutionContext,
    readonly route: RfsRouteInfo,
    readonly req: MarkedRequest,
    readonly res: AdapterResponse,
  ) {
    this.logMetadata = route.log;
  }

  /** A signal that aborts when the client disconnects (created on first use). */
  get signal(): AbortSignal {
    if (this.abortController === undefined) {
      const watch = watchClientDisconnect(this.res);
      this.abortController = watch.controller;
      this.closeWatch = watch.stop;
    }
    return this.abortController.signal;
  }

  /**
   * The handler's Observable, created with this call's (lazy) client-disconnect signal as the
   * ambient run signal: Nest binds the handler's async context when `next.handle()` is called,
   * so a MonoResult the handler returns (Nest awaits it before this interceptor sees it) or
   * awaits runs with that signal.
   */
  handle(next: CallHandler): Observable<unknown> {
    return runWithAbortSignal(
      () => this.signal,
      () => next.handle(),
    );
  }

  /** Subscribes to the handler (in the ambient-signal context, see {@link handle}). */
  attach(subscriber: Subscriber<unknown>, next: CallHandler): HttpCall {
    this.downstream = subscriber;
    this.upstream = runWithAbortSignal(
      () => this.signal,
      () => next.handle().subscribe(this),
    );
    return this;
  }

  /** Teardown (the response is written, or Nest unsubscribed). */
  unsubscribe(): void {
    this.upstream?.unsubscribe();
    this.work?.unsubscribe();
    this.closeWatch?.();
  }

  // Observer of the handler's Observable ------------------------------------------------

  next(value: unknown): void {
    if (this.done) return;
    if (isResult(value)) {
      if (value.isOk()) {
        if (this.logMetadata !== undefined) this.value = value.value;
        this.downstream!.next(value.value);
      } else {
        this.downstream!.next(this.errBody(value.error));
      }
      return;
    }
    if (isMonoResult(value)) {
      this.pending++;
      value.run(this.signal).then(
        (result) => this.settled(result),
        (error: unknown) => this.error(error),
      );
      return;
    }
    if (isFluxResult(value)) {
      this.flux(value);
      return;
    }
    if (this.logMetadata !== undefined) this.value = value;
    this.downstream!.next(value);
  }

  error(error: unknown): void {
    if (this.done) return;
    this.done = true;
    if (
      this.abortController?.signal.aborted &&
      error === this.abortController.signal.reason
    ) {
      this.outcome = 'err';
      this.status = CLIENT_CLOSED_REQUEST;
    } else {
      const problem = this.owner.problem(this, error, true);
      this.req[THROWN] = { error, problem };
      this.outcome = problem.outcome;
      this.status = this.owner.filterRendersErrors
        ? problem.status
        : nestDefaultStatus(error);
    }
    this.failure = error;
    this.finishTiming();
    this.emit();
    this.downstream!.error(error);
  }

  complete(): void {
    this.upstreamComplete = true;
    if (this.pending === 0) this.finish();
  }

  // Kinds of return value ---------------------------------------------------------------

  private errBody(error: unknown): unknown {
    const problem = this.owner.problem(this, error, false);
    this.outcome = 'err';
    this.failure = error;
    this.status = problem.status;
    setResponseStatus(this.res, problem.status);
    setResponseHeader(this.res, 'content-type', PROBLEM_CONTENT_TYPE);
    return problem.body;
  }

  private settled(result: unknown): void {
    if (this.done) return;
    this.pending--;
    this.next(result);
    if (this.pending === 0 && this.upstreamComplete) this.finish();
  }

  private flux(flux: FluxResult<unknown, unknown>): void {
    const options = this.owner.fluxOptions(this);
    if (options.mode === 'ndjson') {
      // Headers go out now; the event is emitted when the stream ends (ndjsonDone).
      this.streaming = true;
      setResponseHeader(this.res, 'content-type', NDJSON_CONTENT_TYPE);
      this.downstream!.next(
        new StreamableFile(
          new NdjsonStream(flux, this.owner.problems, this, {
            instance: requestPath(this.req),
            correlationId:
              CorrelationContext.getId() ?? correlationStoreOf(this.req)?.id,
          }),
          { type: NDJSON_CONTENT_TYPE },
        ),
      );
      return;
    }
    this.pending++;
    const collector = new BatchCollector(options, this.owner.problems, this);
    this.signal.addEventListener(
      'abort',
      () => this.error(this.signal.reason),
      {
        once: true,
      },
    );
    this.work = flux.toObservable().subscribe(collector);
  }

  /** BatchCollector finished. */
  batchDone(collector: BatchCollector): void {
    if (this.done) return;
    const routeStatus = rawResponse(this.res).statusCode;
    const status = collector.status(routeStatus);
    if (status !== routeStatus) setResponseStatus(this.res, status);
    setResponseHeader(this.res, 'x-batch-total', String(collector.total));
    setResponseHeader(
      this.res,
      'x-batch-success',
      String(collector.total - collector.failed),
    );
    setResponseHeader(this.res, 'x-batch-failed', String(collector.failed));
    this.fluxCounts = {
      ok: collector.total - collector.failed,
      err: collector.failed,
    };
    if (collector.failed > 0) {
      this.outcome = 'err';
      this.status = status;
    }
    this.downstream!.next(collector.envelope(performance.now() - this.start));
    this.pending--;
    if (this.upstreamComplete) this.finish();
  }

  /** NdjsonStream finished (the request's event is emitted now). */
  ndjsonDone(
    counts: { ok: number; err: number },
    defect: unknown,
    aborted: boolean,
  ): void {
    this.fluxCounts = counts;
    if (defect !== undefined) {
      this.outcome = 'defect';
      this.failure = defect;
    } else if (aborted) {
      this.outcome = 'err';
      this.status = CLIENT_CLOSED_REQUEST;
    } else if (counts.err > 0) {
      this.outcome = 'err';
    }
    if (this.done) this.emit();
    else this.streamEnded = true;
  }

  // SSE ----------------------------------------------------------------------------------

  sse(source: Observable<unknown>): Observable<unknown> {
    const counts = { ok: 0, err: 0 };
    this.fluxCounts = counts;
    return sseResponse(source, this.owner.problems, counts, this);
  }

  /** {@link SseResponseListener}: the handler's stream failed. */
  sseFailed(error: unknown): void {
    this.outcome = 'defect';
    this.failure = error;
    this.emitOnce();
  }

  /** {@link SseResponseListener}: the handler's stream completed. */
  sseCompleted(counts: SseEventCounts): void {
    if (counts.err > 0) this.outcome = 'err';
    this.emitOnce();
  }

  /** {@link SseResponseListener}: the client went away (or the stream ended). */
  sseClosed(): void {
    this.emitOnce();
  }

  private emitOnce(): void {
    if (this.done) return;
    this.done = true;
    this.emit();
  }

  // Finishing ----------------------------------------------------------------------------

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.finishTiming();
    // An NDJSON response is still streaming: its event is emitted when the stream ends.
    if (!this.streaming || this.streamEnded) this.emit();
    this.downstream!.complete();
  }

  private finishTiming(): void {
    this.durationMs = performance.now() - this.start;
    if (this.owner.timingHeader) {
      setResponseHeader(
        this.res,
        'server-timing',
        `app;dur=${this.durationMs.toFixed(1)}`,
      );
    }
  }

  private emit(): void {
    this.taken = true;
    const req = this.req;
    const correlationId =
      CorrelationContext.getId() ?? correlationStoreOf(req)?.id;
    const durationMs =
      this.streaming || this.route.sse
        ? performance.now() - this.start
        : this.durationMs;
    const event: OperationEvent = {
      operation: this.route.operation,
      outcome: this.outcome,
      durationMs,
      source: 'http',
      error: this.failure,
      flux: this.fluxCounts,
      correlationId,
      log: this.logMetadata?.options,
      args: this.args,
      value: this.value,
      http: {
        method: requestMethod(req),
        route: routeTemplate(req) ?? this.route.operation,
        status: this.status ?? rawResponse(this.res).statusCode,
      },
    };
    this.owner.emit(this, event);
  }
}

function nestDefaultStatus(error: unknown): number {
  try {
    const status = (error as { getStatus?: () => unknown }).getStatus?.();
    return typeof status === 'number' ? status : 500;
  } catch {
    return 500;
  }
}
