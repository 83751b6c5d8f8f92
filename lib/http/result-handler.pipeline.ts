import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
  StreamableFile,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isObservable, lastValueFrom, map, Observable, of } from 'rxjs';
import {
  CorrelationContext,
  type CorrelationStore,
} from '../correlation/correlation-context';
import { httpExchangeOf } from '../correlation/correlation.middleware';
import { copyMethodMetadata } from '../correlation/method-metadata';
import type { LogResultOperationMetadata } from '../logging/log-result-operation.decorator';
import {
  offerRouteHandlerClaim,
  type RouteHandlerClaim,
  runWithRouteHandlerClaim,
} from '../logging/route-handler-claim';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import type { FluxResult } from '../result/flux-result';
import { runWithAbortSignal } from '../result/mono-result';
import type { OperationOutcome } from '../result/outcome';
import { isResult } from '../result/result';
import { getRfsOptionsToken } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import { BatchCollector } from './flux-batch';
import { type FluxResponseOptions } from './flux-response.decorator';
import {
  type AdapterRequest,
  requestPath,
  routeTemplate,
  watchClientDisconnect,
} from './http-response';
import {
  NDJSON_CONTENT_TYPE,
  type NdjsonListener,
  NdjsonStream,
} from './ndjson';
import {
  type Problem,
  PROBLEM_CONTENT_TYPE,
  ProblemDetailsFactory,
} from './problem-details';
import {
  CLIENT_CLOSED_REQUEST,
  sharedRequestAbortController,
} from './http-call';
import {
  isUntracked,
  type PipelineRoute,
  routeMethodNames,
  routeOf,
} from './route-metadata';
import { isFluxResult, isMonoResult } from './result-kinds';
import {
  type SseEventCounts,
  sseResponse,
  type SseResponseListener,
} from './sse-response';

/**
 * A response the handler pipeline prepared for a route whose status differs from the route's
 * own (an Err's problem, a 207 or failed batch). Thrown from the wrapped handler so Nest's
 * exception path hands it to {@link ResultExceptionFilter}, which writes it as is. Deliberately
 * not an `Error`: throwing it captures no stack.
 *
 * @internal shared by the handler pipeline and ResultExceptionFilter
 */
export class PreparedHttpResponse {
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** JSON body. */
    readonly body: unknown,
    /** Content type of the body. */
    readonly contentType: string,
  ) {}
}

/** Problems computed by the pipeline for errors its handlers threw (the filter reuses them). */
const thrownProblems = new WeakMap<object, Problem>();

/**
 * The problem the handler pipeline computed for `error` thrown by a route handler, so the
 * exception filter renders the same status without classifying it twice.
 *
 * @internal
 */
export function handlerThrownProblemOf(error: unknown): Problem | undefined {
  return typeof error === 'object' && error !== null
    ? thrownProblems.get(error)
    : undefined;
}

/** The wrapper's link back to what it replaced. */
interface Installed {
  readonly original: (...args: unknown[]) => unknown;
  owners: number;
}

const INSTALLED = Symbol.for('rfs:handler-pipeline-installed');
/** Route handler calls outside a correlation context: set while one runs (nested calls pass). */
const enteredWithoutStore = new AsyncLocalStorage<true>();
/** Store flag: the request's route handler was entered (later calls are plain method calls). */
const ENTERED = Symbol('rfs:handler-pipeline-entered');

type Wrapper = ((...args: unknown[]) => unknown) & { [INSTALLED]?: Installed };
type EnteredStore = CorrelationStore & { [ENTERED]?: true };

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
          this.wrapMethod(cls, name, instance);
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

  /** Makes this pipeline's problem factory the current one and declares every route's operation. */
  onApplicationBootstrap(): void {
    if (!this.active) return;
    ProblemDetailsFactory.setCurrent(this.problems);
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
      const installed = fn[INSTALLED]!;
      if (--installed.owners > 0) continue;
      const desc = Object.getOwnPropertyDescriptor(target, name);
      if (desc?.value === fn) {
        Object.defineProperty(target, name, {
          ...desc,
          value: installed.original,
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
  ): void {
    const proto = cls.prototype as Record<string, unknown>;
    const current = (instance ?? proto)[name] as Wrapper;
    if (isUntracked(cls, current)) return;
    const existing = current[INSTALLED];
    if (existing !== undefined) {
      // a prototype another live application already wrapped
      if (instance === undefined) {
        existing.owners++;
        this.onPrototypes.push({ target: proto, name, fn: current });
      }
      return;
    }
    const original = current;
    const route = routeOf(cls, original, name);
    this.operations.add(route.operation);
    const fn = makeWrapper(this, original, route);
    copyMethodMetadata(original, fn);
    Object.defineProperty(fn, 'length', {
      value: original.length,
      configurable: true,
    });
    fn[INSTALLED] = { original, owners: 1 };
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

function makeWrapper(
  pipeline: ResultHandlerPipeline,
  original: (...args: unknown[]) => unknown,
  route: PipelineRoute,
): Wrapper {
  return function rfsRouteHandler(this: unknown, ...args: unknown[]) {
    const store = CorrelationContext.storage.getStore() as
      EnteredStore | undefined;
    let exchange: ReturnType<typeof httpExchangeOf>;
    if (store !== undefined) {
      exchange = httpExchangeOf(store);
      // a context that is not an HTTP request's (rpc, ws, @WithCorrelation), or a nested call
      if (exchange === undefined || store[ENTERED] === true) {
        return original.apply(this, args);
      }
      store[ENTERED] = true;
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

/** One request through the handler pipeline. */
class HandlerCall
  implements RouteHandlerClaim, NdjsonListener, SseResponseListener
{
  readonly start = performance.now();
  /** {@link RouteHandlerClaim}: the handler's `@LogResultOperation` metadata. */
  readonly logMetadata: LogResultOperationMetadata | undefined;
  /** {@link RouteHandlerClaim}: arguments handed over by the decorated handler. */
  args: readonly unknown[] | undefined = undefined;
  /** {@link RouteHandlerClaim}: the decorated handler ran (or this call ended). */
  taken = false;
  private readonly req?: IncomingMessage;
  private readonly res?: ServerResponse;
  private controller?: AbortController;
  private stopWatch?: () => void;
  private value: unknown = undefined;
  private failure: unknown = undefined;
  private fluxCounts?: { ok: number; err: number };
  private done = false;

  constructor(
    private readonly pipeline: ResultHandlerPipeline,
    private readonly route: PipelineRoute,
    private readonly store: CorrelationStore | undefined,
    exchange: { req: IncomingMessage; res: ServerResponse } | undefined,
  ) {
    this.logMetadata = route.log;
    this.req = exchange?.req;
    this.res = exchange?.res;
  }

  /** Aborts when the client disconnects (created on first use; none without the response). */
  get signal(): AbortSignal | undefined {
    if (this.res === undefined) return undefined;
    if (this.controller === undefined) {
      // `@RequestAbortSignal()` ran before the handler: share its signal
      const shared = sharedRequestAbortController(this.req);
      if (shared !== undefined) {
        this.controller = shared;
      } else {
        const watch = watchClientDisconnect(this.res);
        this.controller = watch.controller;
        this.stopWatch = watch.stop;
        sharedRequestAbortController(this.req, watch.controller);
      }
    }
    return this.controller.signal;
  }

  run(
    original: (...args: unknown[]) => unknown,
    self: unknown,
    args: unknown[],
  ): unknown {
    let value: unknown;
    try {
      value =
        this.res === undefined
          ? original.apply(self, args)
          : runWithAbortSignal(
              () => this.signal!,
              () => original.apply(self, args),
            );
    } catch (error) {
      throw this.thrown(error);
    }
    return this.settle(value);
  }

  // Kinds of return value ---------------------------------------------------------------

  private settle(value: unknown): unknown {
    if (isResult(value)) {
      return value.isOk() ? this.ok(value.value) : this.err(value.error);
    }
    if (isMonoResult(value)) {
      return value.run(this.signal).then(
        (result) => this.settle(result),
        (error: unknown) => {
          throw this.thrown(error);
        },
      );
    }
    if (this.route.sse && (isFluxResult(value) || isObservable(value))) {
      return this.sse(isObservable(value) ? value : of(value));
    }
    if (isFluxResult(value)) return this.flux(value);
    if (isPromiseLike(value) || isObservable(value)) {
      // Nest sends the last value of an Observable
      // (boxed: a promise would adopt a MonoResult value as a thenable and run it signal-less)
      const last = isObservable(value)
        ? lastValueFrom(value.pipe(map((v: unknown) => [v] as const)))
        : Promise.resolve(value).then((v) => [v] as const);
      return last.then(
        ([resolved]) => this.settle(resolved),
        (error: unknown) => {
          throw this.thrown(error);
        },
      );
    }
    return this.ok(value);
  }

  private ok(value: unknown): unknown {
    if (this.logMetadata !== undefined) this.value = value;
    this.finish('ok', this.route.status);
    return value;
  }

  private err(error: unknown): never {
    const problem = this.problem(error, false);
    this.failure = error;
    this.finish('err', problem.status);
    throw new PreparedHttpResponse(
      problem.status,
      problem.body,
      PROBLEM_CONTENT_TYPE,
    );
  }

  /** Records a thrown error (the filter renders it) and returns it to rethrow. */
  private thrown(error: unknown): unknown {
    if (this.done) return error;
    if (error instanceof PreparedHttpResponse) return error;
    this.failure = error;
    const controller =
      this.controller ?? sharedRequestAbortController(this.req);
    if (
      controller?.signal.aborted === true &&
      error === controller.signal.reason
    ) {
      this.finish('err', CLIENT_CLOSED_REQUEST);
      return error;
    }
    const problem = this.problem(error, true);
    if (typeof error === 'object' && error !== null) {
      thrownProblems.set(error, problem);
    }
    this.finish(problem.outcome, problem.status);
    return error;
  }

  private problem(error: unknown, thrown: boolean): Problem {
    return this.pipeline.problems.create(
      error,
      {
        instance:
          this.req === undefined
            ? undefined
            : requestPath(this.req as AdapterRequest),
        correlationId: this.store?.id,
      },
      thrown,
    );
  }

  private fluxOptions(): Readonly<FluxResponseOptions> {
    const flux = this.route.flux;
    if (flux.mode === 'ndjson') return flux;
    const accept = this.req?.headers.accept;
    return typeof accept === 'string' && accept.includes(NDJSON_CONTENT_TYPE)
      ? { ...flux, mode: 'ndjson' }
      : flux;
  }

  private flux(flux: FluxResult<unknown, unknown>): unknown {
    const options = this.fluxOptions();
    if (options.mode === 'ndjson') {
      this.setHeader('content-type', NDJSON_CONTENT_TYPE);
      this.timing();
      this.stopWatch?.();
      return new StreamableFile(
        new NdjsonStream(flux, this.pipeline.problems, this, {
          instance:
            this.req === undefined
              ? undefined
              : requestPath(this.req as AdapterRequest),
          correlationId: this.store?.id,
        }),
        { type: NDJSON_CONTENT_TYPE },
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      const collector = new BatchCollector(options, this.pipeline.problems, {
        batchDone: (c) => {
          try {
            resolve(this.batchDone(c));
          } catch (prepared) {
            reject(prepared as Error);
          }
        },
        error: (error: unknown) => reject(this.thrown(error) as Error),
      });
      const subscription = flux.toObservable().subscribe(collector);
      this.signal?.addEventListener(
        'abort',
        () => {
          subscription.unsubscribe();
          reject(this.thrown(this.signal!.reason) as Error);
        },
        { once: true },
      );
    });
  }

  private batchDone(collector: BatchCollector): unknown {
    const status = collector.status(this.route.status);
    const ok = collector.total - collector.failed;
    this.setHeader('x-batch-total', String(collector.total));
    this.setHeader('x-batch-success', String(ok));
    this.setHeader('x-batch-failed', String(collector.failed));
    this.fluxCounts = { ok, err: collector.failed };
    const body = collector.envelope(performance.now() - this.start);
    this.finish(collector.failed > 0 ? 'err' : 'ok', status);
    if (status === this.route.status) return body;
    throw new PreparedHttpResponse(
      status,
      body,
      'application/json; charset=utf-8',
    );
  }

  /** NdjsonStream finished: the request's event is emitted now. */
  ndjsonDone(
    counts: { ok: number; err: number },
    defect: unknown,
    aborted: boolean,
  ): void {
    this.fluxCounts = counts;
    if (defect !== undefined) {
      this.failure = defect;
      this.finish('defect', this.route.status);
    } else if (aborted) {
      this.finish('err', CLIENT_CLOSED_REQUEST);
    } else {
      this.finish(counts.err > 0 ? 'err' : 'ok', this.route.status);
    }
  }

  private sse(source: Observable<unknown>): Observable<unknown> {
    const counts = { ok: 0, err: 0 };
    this.fluxCounts = counts;
    this.stopWatch?.();
    return sseResponse(source, this.pipeline.problems, counts, this);
  }

  /** {@link SseResponseListener}: the handler's stream failed. */
  sseFailed(error: unknown): void {
    this.failure = error;
    this.finish('defect', this.route.status);
  }

  /** {@link SseResponseListener}: the handler's stream completed. */
  sseCompleted(counts: SseEventCounts): void {
    this.finish(counts.err > 0 ? 'err' : 'ok', this.route.status);
  }

  /** {@link SseResponseListener}: the client went away (or the stream ended). */
  sseClosed(counts: SseEventCounts): void {
    this.finish(counts.err > 0 ? 'err' : 'ok', this.route.status);
  }

  // Finishing ----------------------------------------------------------------------------

  private setHeader(name: string, value: string): void {
    const res = this.res;
    if (res !== undefined && !res.headersSent) res.setHeader(name, value);
  }

  private timing(): void {
    if (this.pipeline.timingHeader) {
      this.setHeader(
        'server-timing',
        `app;dur=${(performance.now() - this.start).toFixed(1)}`,
      );
    }
  }

  private finish(outcome: OperationOutcome, status: number): void {
    if (this.done) return;
    this.done = true;
    this.taken = true;
    const durationMs = performance.now() - this.start;
    this.timing();
    this.stopWatch?.();
    const req = this.req;
    this.pipeline.emit({
      operation: this.route.operation,
      outcome,
      durationMs,
      source: 'http',
      error: this.failure,
      flux: this.fluxCounts,
      correlationId: this.store?.id,
      log: this.logMetadata?.options,
      args: this.args,
      value: this.value,
      http: {
        method: req?.method ?? this.route.method,
        route:
          (req === undefined
            ? undefined
            : routeTemplate(req as AdapterRequest)) ?? this.route.template,
        status,
      },
    });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
