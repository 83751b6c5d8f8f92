// Which HandlerCall a request's correlation store has entered: the handler pipeline's mark that
// the route handler runs (nested route method calls in the request are then plain calls), read by
// ResultExceptionFilter and the rejection recorder.
import type { CorrelationStore } from '../correlation/correlation-context';
import { releasedWithExchange } from '../correlation/correlation.middleware';
import type { HandlerCall } from './handler-call';

/**
 * Where a request's correlation store keeps its HandlerCall once the route handler is entered
 * (cleared with the request's exchange when its response is complete).
 */
const ENTERED_CALL = Symbol('rfs:handler-pipeline-call');
releasedWithExchange(ENTERED_CALL);

type CallStore = CorrelationStore & { [ENTERED_CALL]?: HandlerCall };

/**
 * The HandlerCall of the request whose correlation store `store` is, once its route handler was
 * entered (later calls of route methods in that request are plain method calls).
 *
 * @internal shared by the handler pipeline and ResultExceptionFilter
 */
export function enteredHandlerCall(
  store: CorrelationStore | undefined,
): HandlerCall | undefined {
  return (store as CallStore | undefined)?.[ENTERED_CALL];
}

/**
 * Marks the request of `store` as entered by `call`.
 *
 * @internal used by HandlerCall
 */
export function enterHandlerCall(
  store: CorrelationStore,
  call: HandlerCall,
): void {
  (store as CallStore)[ENTERED_CALL] = call;
}
