// The client-disconnect signal of one HTTP request, shared by ResultInterceptor, the handler
// pipeline and `@RequestAbortSignal()` (one AbortController per request, created on first use).
import {
  type AdapterRequest,
  type AdapterResponse,
  watchClientDisconnect,
} from './http-response';

/** Status recorded for a request whose client went away (nginx's "client closed request"). */
export const CLIENT_CLOSED_REQUEST = 499;

/** @internal Where ResultInterceptor keeps the request's call on the request. */
export const CALL = Symbol.for('rfs:http-call');

/** Where {@link requestAbortSignal} leaves its controller on the Node request (shared per request). */
const REQUEST_SIGNAL = Symbol.for('rfs:http-request-signal');

type SignalHolder = { [REQUEST_SIGNAL]?: AbortController };
type CallHolder = { [CALL]?: { readonly signal: AbortSignal } };

function rawRequestOf(request: unknown): SignalHolder | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  return ((request as AdapterRequest).raw ?? request) as SignalHolder;
}

/**
 * A signal that aborts when the client of this request disconnects before the response is
 * written. Shares the signal ResultInterceptor gives MonoResults; works without it too.
 */
export function requestAbortSignal(
  request: unknown,
  response: unknown,
): AbortSignal {
  const call = (request as CallHolder | undefined)?.[CALL];
  if (call !== undefined) return call.signal;
  const raw = rawRequestOf(request);
  const shared = raw?.[REQUEST_SIGNAL];
  if (shared !== undefined) return shared.signal;
  const { controller } = watchClientDisconnect(response as AdapterResponse);
  if (raw !== undefined) raw[REQUEST_SIGNAL] = controller;
  return controller.signal;
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
