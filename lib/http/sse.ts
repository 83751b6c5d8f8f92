import type { MessageEvent } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { CorrelationContext } from '../correlation/correlation-context';
import { isResult } from '../result/result';
import { ProblemDetailsFactory } from './problem-details';
import type { FluxResult } from '../result/flux-result';

/**
 * One SSE event for one item: an Ok value becomes `{ data: value }` (a number, boolean or bigint
 * as its string: Nest's SSE stream only writes strings and objects), an Err becomes
 * `{ type: 'error', data: problem }` (the same problem body an HTTP error would have), and a
 * value that is not a Result passes through unchanged (it is already a MessageEvent).
 */
export function resultToMessageEvent(
  item: unknown,
  problems: ProblemDetailsFactory = ProblemDetailsFactory.current(),
): MessageEvent {
  if (!isResult(item)) return item as MessageEvent;
  if (item.isOk()) {
    const value = item.value;
    // Nest's SSE stream writes strings as they are and JSON-encodes objects; anything else
    // (a number, boolean, bigint) would make it throw mid-stream and leave the response open
    return {
      data:
        value === undefined || value === null
          ? ''
          : typeof value === 'object'
            ? value
            : String(value),
    };
  }
  const correlationId = CorrelationContext.getId();
  return {
    type: 'error',
    data: problems.create(
      item.error,
      correlationId === undefined ? {} : { correlationId },
    ).body as unknown as object,
  };
}

/**
 * The items of a FluxResult as `MessageEvent`s for an `@Sse()` route. Returning the FluxResult
 * itself from an `@Sse()` route does the same (ResultInterceptor converts it).
 *
 * @example
 * ```ts
 * @Sse('prices')
 * prices(): Observable<MessageEvent> {
 *   return toSse(this.prices.stream()); // Err items arrive as `event: error` with a problem body
 * }
 * ```
 */
export function toSse<T, E>(
  flux: FluxResult<T, E>,
  problems: ProblemDetailsFactory = ProblemDetailsFactory.current(),
): Observable<MessageEvent> {
  return flux
    .toObservable()
    .pipe(map((item) => resultToMessageEvent(item, problems)));
}
