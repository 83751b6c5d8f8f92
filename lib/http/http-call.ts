import {
  type CallHandler,
  type ExecutionContext,
  StreamableFile,
} from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { CorrelationContext } from '../correlation/correlation-context';
import { correlationStoreOf } from '../correlation/correlation.middleware';
import type { OperationEvent } from '../operations/operation-event';
import type { FluxResult } from '../result/flux-result';
import { runWithSignal } from '../result/mono-result.signal-run';
import type { OperationOutcome } from '../result/outcome';
import { isResult } from '../result/result';
import { BatchCollector } from './flux-batch';
import type { FluxResponseOptions } from './flux-response.decorator';
import {
  type AdapterRequest,
  type AdapterResponse,
  rawResponse,
  requestMethod,
  requestPath,
  routeTemplate,
  serverTimingValue,
  setResponseHeader,
  setResponseStatus,
} from './http-response';
import { NDJSON_CONTENT_TYPE, NdjsonStream } from './ndjson';
import {
  type Problem,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetailsFactory,
} from './problem-details';
import { nestDefaultStatus, stashThrownProblem } from './exception-handoff';
import {
  CALL,
  CLIENT_CLOSED_REQUEST,
  RequestAbort,
  runUnderRequestAbort,
} from './request-abort';
import { isFluxResult, isMonoResult } from './result-kinds';

import { HttpOperationRecord } from './http-operation-record';
import type { RfsRouteInfo } from './route-metadata';
import { type StreamedItemCounts, sseResponse } from './sse-response';

/** @internal A request ResultInterceptor handles. */
export interface MarkedRequest extends AdapterRequest {
  [CALL]?: HttpCall;
}

/**
 * What an {@link HttpCall} asks of the interceptor that started it (ResultInterceptor: its
 * settings and protected hooks).
 *
 * @internal
 */
export interface HttpCallOwner {
  /** Problem bodies and statuses. */
  readonly problems: ProblemDetailsFactory;
  /** Whether the `Server-Timing` header is added. */
  readonly timingHeader: boolean;
  /** Whether ResultExceptionFilter renders thrown errors. */
  readonly filterRendersErrors: boolean;
  /** How the call's FluxResult is answered. */
  fluxOptions(call: HttpCall): Readonly<FluxResponseOptions>;
  /** The problem for an Err's error or a thrown value. */
  problem(call: HttpCall, error: unknown, thrown: boolean): Problem;
  /** Hands the finished request's event on. */
  emit(call: HttpCall, event: OperationEvent): void;
}

/**
 * One request through ResultInterceptor: the Observer of the handler's Observable and the
 * teardown of what it started. One object per request instead of a closure per step.
 */
export class HttpCall extends HttpOperationRecord {
  private downstream?: Subscriber<unknown>;
  private upstream?: Subscription;
  private work?: Subscription;
  private pending = 0;
  private upstreamComplete = false;
  /** The lazy client-disconnect signal: the ambient run signal of the handler. */
  private readonly abort: RequestAbort;
  private outcome: OperationOutcome = 'ok';
  private streaming = false;
  private streamEnded = false;
  private durationMs = 0;
  private status?: number;

  constructor(
    readonly owner: HttpCallOwner,
    readonly context: ExecutionContext,
    readonly route: RfsRouteInfo,
    readonly req: MarkedRequest,
    readonly res: AdapterResponse,
  ) {
    super(route.operation, route.log);
    this.abort = RequestAbort.of(req, res);
  }

  /** A signal that aborts when the client disconnects (created on first use). */
  get signal(): AbortSignal {
    return this.abort.signal();
  }

  /**
   * The handler's Observable, created with this call's (lazy) client-disconnect signal as the
   * ambient run signal: Nest binds the handler's async context when `next.handle()` is called,
   * so a MonoResult the handler returns (Nest awaits it before this interceptor sees it) or
   * awaits runs with that signal.
   */
  handle(next: CallHandler): Observable<unknown> {
    return runUnderRequestAbort(this.abort, CorrelationContext.current(), () =>
      next.handle(),
    );
  }

  /** Subscribes to the handler (in the ambient-signal context, see {@link handle}). */
  attach(subscriber: Subscriber<unknown>, next: CallHandler): HttpCall {
    this.downstream = subscriber;
    this.upstream = runUnderRequestAbort(
      this.abort,
      CorrelationContext.current(),
      () => next.handle().subscribe(this),
    );
    return this;
  }

  /** Teardown (the response is written, or Nest unsubscribed). */
  unsubscribe(): void {
    this.upstream?.unsubscribe();
    this.work?.unsubscribe();
    this.abort.stop();
  }

  // Observer of the handler's Observable ------------------------------------------------

  next(value: unknown): void {
    if (this.done) return;
    if (isResult(value)) {
      if (value.isOk()) {
        this.keepValue(value.value);
        this.downstream!.next(value.value);
      } else {
        this.downstream!.next(this.errBody(value.error));
      }
      return;
    }
    if (isMonoResult(value)) {
      this.pending++;
      // under the lazy request signal: created only if a step of the run needs it
      runWithSignal(value, this.abort).then(
        (result) => this.settled(result),
        (error: unknown) => this.error(error),
      );
      return;
    }
    if (isFluxResult(value)) {
      this.flux(value);
      return;
    }
    this.keepValue(value);
    this.downstream!.next(value);
  }

  error(error: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.abort.isAbortReason(error)) {
      this.outcome = 'err';
      this.status = CLIENT_CLOSED_REQUEST;
    } else {
      const problem = this.owner.problem(this, error, true);
      stashThrownProblem(this.req, error, problem);
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
    counts: StreamedItemCounts,
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

  protected streamSettled(outcome: OperationOutcome): void {
    if (this.done) return;
    this.done = true;
    if (outcome !== 'ok') this.outcome = outcome;
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
        serverTimingValue(this.durationMs),
      );
    }
  }

  private emit(): void {
    const req = this.req;
    const durationMs =
      this.streaming || this.route.sse
        ? performance.now() - this.start
        : this.durationMs;
    const event = this.event(
      this.outcome,
      durationMs,
      CorrelationContext.getId() ?? correlationStoreOf(req)?.id,
      requestMethod(req),
      routeTemplate(req) ?? this.route.operation,
      this.status ?? rawResponse(this.res).statusCode,
    );
    this.owner.emit(this, event);
  }
}
