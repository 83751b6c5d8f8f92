import { StreamableFile } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isObservable, lastValueFrom, map, Observable, of } from 'rxjs';
import type { CorrelationStore } from '../correlation/correlation-context';
import {
  exposeExchangeHeaders,
  type HttpExchange,
  setExchangeHeader,
} from '../correlation/correlation.middleware';
import type { OperationEvent } from '../operations/operation-event';
import type { FluxResult } from '../result/flux-result';
import { runWithSignal } from '../result/mono-result.signal-run';
import type { OperationOutcome } from '../result/outcome';
import { isResult } from '../result/result';
import { enterHandlerCall } from './entered-handler-call';
import { BatchCollector } from './flux-batch';
import {
  type AdapterRequest,
  requestPath,
  serverTimingValue,
} from './http-response';
import {
  NDJSON_CONTENT_TYPE,
  type NdjsonListener,
  NdjsonStream,
  negotiatedFluxOptions,
} from './ndjson';
import {
  type Problem,
  PROBLEM_CONTENT_TYPE,
  ProblemDetailsFactory,
} from './problem-details';
import { PreparedHttpResponse, stashThrownProblem } from './exception-handoff';
import {
  CLIENT_CLOSED_REQUEST,
  RequestAbort,
  runUnderRequestAbort,
} from './request-abort';
import { isFluxResult, isMonoResult } from './result-kinds';
import { HttpOperationRecord } from './http-operation-record';
import type { PipelineRoute } from './route-metadata';
import { pipelineRouteLabel } from './route-template';
import { type StreamedItemCounts, sseResponse } from './sse-response';

/**
 * What a {@link HandlerCall} asks of the pipeline that wrapped the route (ResultHandlerPipeline).
 *
 * @internal
 */
export interface HandlerCallOwner {
  /** Problem bodies and statuses. */
  readonly problems: ProblemDetailsFactory;
  /** Whether the `Server-Timing` header is added. */
  readonly timingHeader: boolean;
  /** Hands a finished request's event to the hub. */
  emit(event: OperationEvent): void;
}

/** One request through the handler pipeline. */
export class HandlerCall extends HttpOperationRecord implements NdjsonListener {
  private readonly req?: IncomingMessage;
  private readonly res?: ServerResponse;
  /** The request's exchange (headers go through its sink: the Fastify reply, if any). */
  private readonly exchange?: HttpExchange;
  /** The lazy client-disconnect signal (none without the response). */
  private readonly abort?: RequestAbort;

  constructor(
    private readonly pipeline: HandlerCallOwner,
    private readonly route: PipelineRoute,
    private readonly store: CorrelationStore | undefined,
    exchange: HttpExchange | undefined,
  ) {
    super(route.operation, route.log);
    this.req = exchange?.req;
    this.res = exchange?.res;
    this.exchange = exchange;
    if (exchange !== undefined)
      this.abort = new RequestAbort(exchange.req, exchange.res);
    if (store !== undefined) enterHandlerCall(store, this);
  }

  /**
   * An error response was written for the request while the handler's result was still pending
   * (a user's interceptor timed it out or failed around it): the operation ends with that
   * response's status and outcome, not with whatever the handler settles to later.
   */
  interrupted(error: unknown, problem: Problem): void {
    if (this.done) return;
    this.failure = error;
    this.finish(problem.outcome, problem.status);
  }

  /** Aborts when the client disconnects (created on first use; none without the response). */
  get signal(): AbortSignal | undefined {
    return this.abort?.signal();
  }

  run(
    original: (...args: unknown[]) => unknown,
    self: unknown,
    args: unknown[],
  ): unknown {
    let value: unknown;
    const abort = this.abort;
    if (this.route.ownResponse && this.exchange !== undefined)
      exposeExchangeHeaders(this.exchange);
    try {
      value =
        abort === undefined
          ? original.apply(self, args)
          : runUnderRequestAbort(abort, this.store, () =>
              original.apply(self, args),
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
      // under the lazy request signal: created only if a step of the run needs it
      const run =
        this.abort === undefined
          ? value.run()
          : runWithSignal(value, this.abort);
      return run.then(
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
    this.keepValue(value);
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
    if (this.abort?.isAbortReason(error) === true) {
      this.finish('err', CLIENT_CLOSED_REQUEST);
      return error;
    }
    const problem = this.problem(error, true);
    if (this.req !== undefined) stashThrownProblem(this.req, error, problem);
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

  private flux(flux: FluxResult<unknown, unknown>): unknown {
    const options = negotiatedFluxOptions(
      this.route.flux,
      this.req?.headers.accept,
    );
    if (options.mode === 'ndjson') {
      this.setHeader('content-type', NDJSON_CONTENT_TYPE);
      this.timing(performance.now() - this.start);
      this.abort?.stop();
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
    counts: StreamedItemCounts,
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
    this.abort?.stop();
    return sseResponse(source, this.pipeline.problems, counts, this);
  }

  protected streamSettled(outcome: OperationOutcome): void {
    this.finish(outcome, this.route.status);
  }

  // Finishing ----------------------------------------------------------------------------

  private setHeader(name: string, value: string): void {
    if (this.exchange !== undefined)
      setExchangeHeader(this.exchange, name, value);
  }

  private timing(durationMs: number): void {
    if (this.pipeline.timingHeader)
      this.setHeader('server-timing', serverTimingValue(durationMs));
  }

  private finish(outcome: OperationOutcome, status: number): void {
    if (this.done) return;
    this.done = true;
    const durationMs = performance.now() - this.start;
    this.timing(durationMs);
    this.abort?.stop();
    const req = this.req;
    this.pipeline.emit(
      this.event(
        outcome,
        durationMs,
        this.store?.id,
        req?.method ?? this.route.method,
        pipelineRouteLabel(this.route, req),
        status,
      ),
    );
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
