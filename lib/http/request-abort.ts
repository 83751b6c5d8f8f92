// The client-disconnect signal of one HTTP request, shared by ResultInterceptor, the handler
// pipeline and `@RequestAbortSignal()`: one AbortController per request, created only when
// something reads the signal (a request whose handler never needs it creates none and adds no
// 'close' listener).
import type { ServerResponse } from 'node:http';
import {
  type CorrelationStore,
  CorrelationContext,
} from '../correlation/correlation-context';
import {
  httpExchangeOf,
  releasedWithExchange,
} from '../correlation/correlation.middleware';
import {
  type AbortSignalSource,
  type LazyAbortSignal,
  runWithAbortSignal,
  setAmbientSignalProvider,
} from '../result/mono-result.ambient-signal';
import {
  type AdapterRequest,
  type AdapterResponse,
  rawResponse,
  watchClientDisconnect,
} from './http-response';

/** Status recorded for a request whose client went away (nginx's "client closed request"). */
export const CLIENT_CLOSED_REQUEST = 499;

/** @internal Where ResultInterceptor keeps the request's call on the request. */
export const CALL = Symbol.for('rfs:http-call');

/** Where the request's controller is kept on the Node request once created (shared per request). */
const REQUEST_SIGNAL = Symbol.for('rfs:http-request-signal');

type SignalHolder = { [REQUEST_SIGNAL]?: AbortController };
type CallHolder = { [CALL]?: { readonly signal: AbortSignal } };

function rawRequestOf(request: unknown): SignalHolder | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  return ((request as AdapterRequest).raw ?? request) as SignalHolder;
}

/**
 * The lazy client-disconnect signal of one request (the ambient run signal of its handler).
 * Until something reads {@link RequestAbort.signal} it holds no AbortController and no listener:
 * `aborted` then asks the Node response whether the connection closed before the response was
 * finished, so a signal created after the client left is created aborted.
 *
 * @internal shared by ResultInterceptor and the handler pipeline
 */
export class RequestAbort implements LazyAbortSignal {
  private controller: AbortController | undefined = undefined;
  private stopWatch: (() => void) | undefined = undefined;

  /**
   * `req`/`res`: Node's request and response (`IncomingMessage`, `ServerResponse`), as the
   * correlation exchange holds them; {@link RequestAbort.of} takes the adapter's.
   */
  constructor(
    private readonly req: unknown,
    private readonly res: ServerResponse,
  ) {}

  /** The signal of an Express or Fastify request and response (or Node's). */
  static of(req: unknown, res: AdapterResponse): RequestAbort {
    return new RequestAbort(rawRequestOf(req), rawResponse(res));
  }

  /** Whether `store` is the correlation store the middleware created for this request. */
  ownedBy(store: object): boolean {
    const exchange = httpExchangeOf(store as CorrelationStore);
    return exchange !== undefined && exchange.req === this.req;
  }

  /** Whether the client went away (creates the signal only then, for one abort reason). */
  get aborted(): boolean {
    const c = this.controller;
    if (c !== undefined) return c.signal.aborted;
    if (this.res.destroyed !== true || this.res.writableFinished) return false;
    return this.signal().aborted;
  }

  /** The signal, created on first call (shared with `@RequestAbortSignal()`). */
  signal(): AbortSignal {
    if (this.controller === undefined) {
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

  /** Whether `error` is this request's client-disconnect abort reason (creates nothing). */
  isAbortReason(error: unknown): boolean {
    const c = this.controller ?? sharedRequestAbortController(this.req);
    return c !== undefined && c.signal.aborted && error === c.signal.reason;
  }

  /** Stops watching the connection (the response is written or handed to a stream). */
  stop(): void {
    const stop = this.stopWatch;
    if (stop !== undefined) {
      this.stopWatch = undefined;
      stop();
    }
  }
}

/** Where a request's {@link RequestAbort} is kept on its correlation store. */
const STORE_ABORT = Symbol.for('rfs:http-request-abort');
releasedWithExchange(STORE_ABORT);

type AbortStore = { [STORE_ABORT]?: RequestAbort };

/** The ambient run signal of signal-less MonoResult runs inside a request's correlation context. */
function storedRequestAbort(): AbortSignalSource | undefined {
  return (CorrelationContext.storage.getStore() as AbortStore | undefined)?.[
    STORE_ABORT
  ];
}

let providerInstalled = false;

/**
 * Runs `fn` (the route handler) with `abort` as the ambient signal of its signal-less MonoResult
 * runs. With the request's correlation store (the one active now) the source rides on that store
 * — read by the ambient-signal provider installed on first use — so a request needs no second
 * AsyncLocalStorage; without one, or with a store that is not this request's own (an outer
 * context other requests share), it falls back to `runWithAbortSignal`.
 *
 * @internal shared by ResultInterceptor and the handler pipeline
 */
export function runUnderRequestAbort<R>(
  abort: RequestAbort,
  store: object | undefined,
  fn: () => R,
): R {
  if (store === undefined || !abort.ownedBy(store))
    return runWithAbortSignal(abort, fn);
  if (!providerInstalled) {
    providerInstalled = true;
    setAmbientSignalProvider(storedRequestAbort);
  }
  (store as AbortStore)[STORE_ABORT] = abort;
  return fn();
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
 * by {@link requestAbortSignal} or a {@link RequestAbort}, or `undefined`; `controller` sets it.
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
