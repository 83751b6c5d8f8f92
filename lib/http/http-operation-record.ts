// What both Result → HTTP paths (ResultInterceptor's HttpCall and the handler pipeline's
// HandlerCall) record about one request, and the one OperationEvent they build from it.
import { performance } from 'node:perf_hooks';
import type { LogResultOperationMetadata } from '../logging/log-result-operation.decorator';
import type { RouteHandlerClaim } from '../logging/route-handler-claim';
import type { OperationEvent } from '../operations/operation-event';
import type { OperationOutcome } from '../result/outcome';
import type { SseResponseListener, StreamedItemCounts } from './sse-response';

/**
 * One request's timing and outcome facts; also the {@link RouteHandlerClaim} a
 * `@LogResultOperation` route handler hands its arguments to.
 *
 * @internal base of HttpCall and HandlerCall
 */
export abstract class HttpOperationRecord
  implements RouteHandlerClaim, SseResponseListener
{
  /** When the request entered the Result boundary (`performance.now()`). */
  readonly start = performance.now();
  /** {@link RouteHandlerClaim}: the handler's `@LogResultOperation` metadata. */
  readonly logMetadata: LogResultOperationMetadata | undefined;
  /** {@link RouteHandlerClaim}: arguments handed over by the decorated handler. */
  args: readonly unknown[] | undefined = undefined;
  /** {@link RouteHandlerClaim}: the decorated handler ran (or this call ended). */
  taken = false;
  /** The Ok value, kept only for a `@LogResultOperation` handler (valueType, includeResult). */
  protected value: unknown = undefined;
  /** The Err's error or the thrown defect. */
  protected failure: unknown = undefined;
  /** Item counts of a FluxResult response. */
  protected fluxCounts?: StreamedItemCounts;
  /** The event was emitted (or is about to be): later outcomes are ignored. */
  protected done = false;

  constructor(
    /** Operation name of the route. */
    readonly operation: string,
    log: LogResultOperationMetadata | undefined,
  ) {
    this.logMetadata = log;
  }

  /** {@link SseResponseListener}: the handler's stream failed. */
  sseFailed(error: unknown): void {
    this.failure = error;
    this.streamSettled('defect');
  }

  /** {@link SseResponseListener}: the handler's stream completed. */
  sseCompleted(counts: StreamedItemCounts): void {
    this.streamSettled(counts.err > 0 ? 'err' : 'ok');
  }

  /** {@link SseResponseListener}: the client went away (or the stream ended). */
  sseClosed(counts: StreamedItemCounts): void {
    this.streamSettled(counts.err > 0 ? 'err' : 'ok');
  }

  /** An `@Sse()` response ended with `outcome`: emit the event (once). */
  protected abstract streamSettled(outcome: OperationOutcome): void;

  /** Keeps an Ok value when the handler's line may need it. */
  protected keepValue(value: unknown): void {
    if (this.logMetadata !== undefined) this.value = value;
  }

  /** The request's one event (marks the claim taken: the handler's decorator logs no more). */
  protected event(
    outcome: OperationOutcome,
    durationMs: number,
    correlationId: string | undefined,
    method: string,
    route: string,
    status: number,
  ): OperationEvent {
    this.taken = true;
    return {
      operation: this.operation,
      outcome,
      durationMs,
      source: 'http',
      error: this.failure,
      flux: this.fluxCounts,
      correlationId,
      log: this.logMetadata?.options,
      args: this.args,
      value: this.value,
      http: { method, route, status },
    };
  }
}
