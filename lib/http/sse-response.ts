import { mergeMap, Observable, of } from 'rxjs';
import { isResult } from '../result/result';
import type { ProblemDetailsFactory } from './problem-details';
import { isFluxResult } from './result-kinds';
import { resultToMessageEvent, toSse } from './sse';

/** Ok and Err items a streamed response (SSE events, NDJSON lines) sent so far. */
export interface StreamedItemCounts {
  ok: number;
  err: number;
}

/**
 * The request that owns an SSE response (ResultInterceptor's and the handler pipeline's
 * per-request call): told how the event stream ended, to finish the request's timing and event.
 *
 * @internal shared by ResultInterceptor and the handler pipeline
 */
export interface SseResponseListener {
  /** The handler's stream failed (a defect); the subscriber gets the error next. */
  sseFailed(error: unknown, counts: StreamedItemCounts): void;
  /** The handler's stream completed; the subscriber completes next. */
  sseCompleted(counts: StreamedItemCounts): void;
  /** The subscription ended (after completion or failure, or the client went away). */
  sseClosed(counts: StreamedItemCounts): void;
}

/**
 * The `MessageEvent`s of an `@Sse()` route: a FluxResult is sent one event per item, a Result as
 * one event (Err → `type: 'error'` with a problem body), anything else as is. Counts the Ok and
 * Err events in `counts` and tells `listener` how the stream ended.
 *
 * @internal shared by ResultInterceptor and the handler pipeline
 */
export function sseResponse(
  source: Observable<unknown>,
  problems: ProblemDetailsFactory,
  counts: StreamedItemCounts,
  listener: SseResponseListener,
): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    const sub = source
      .pipe(
        mergeMap((value) =>
          isFluxResult(value)
            ? toSse(value, problems)
            : of(
                isResult(value) ? resultToMessageEvent(value, problems) : value,
              ),
        ),
      )
      .subscribe({
        next: (event) => {
          if ((event as { type?: unknown } | null)?.type === 'error')
            counts.err++;
          else counts.ok++;
          subscriber.next(event);
        },
        error: (error: unknown) => {
          listener.sseFailed(error, counts);
          subscriber.error(error);
        },
        complete: () => {
          listener.sseCompleted(counts);
          subscriber.complete();
        },
      });
    return () => {
      sub.unsubscribe();
      listener.sseClosed(counts);
    };
  });
}
