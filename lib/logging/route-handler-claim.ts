import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CorrelationContext,
  type CorrelationStore,
} from '../correlation/correlation-context';
import { releasedWithExchange } from '../correlation/correlation.middleware';
import type { LogResultOperationMetadata } from './log-result-operation.decorator';

/**
 * The HTTP call that reports a `@LogResultOperation` route handler itself (ResultInterceptor's
 * single pass). The decorated wrapper that finds its own metadata here while running as that
 * route handler leaves the timing and the event to the call, and hands it its arguments.
 *
 * @internal shared by ResultInterceptor and `@LogResultOperation`, not a public API.
 */
export interface RouteHandlerClaim {
  /** The `@LogResultOperation` metadata found on the route handler (never matches if unset). */
  readonly logMetadata: LogResultOperationMetadata | undefined;
  /** The handler's arguments, set by the wrapper when its options include them. */
  args: readonly unknown[] | undefined;
  /**
   * Set by the first matching wrapper call (and by the HTTP call when it ends, in case the
   * handler never ran); later calls of the method log on their own.
   */
  taken: boolean;
}

/** Property of the request's correlation store that holds the pending claim. */
const CLAIM = Symbol('rfs:route-handler-claim');
releasedWithExchange(CLAIM);

interface ClaimableStore extends CorrelationStore {
  [CLAIM]?: RouteHandlerClaim;
}

/** Used only for requests without a correlation store (`correlation: false`, excluded routes). */
const fallback = new AsyncLocalStorage<RouteHandlerClaim>();

/**
 * Whether a claim was ever offered in this process, through the store / through the fallback:
 * until then a decorated call (outside HTTP, or in apps without decorated handlers) skips the
 * context lookups.
 */
let offeredInStore = false;
let offeredInFallback = false;

/**
 * Offers `claim` to the route handler about to run in the current correlation context: one
 * property on the store the request already has, no allocation. Returns `false` when there is
 * no store; run the handler through {@link runWithRouteHandlerClaim} then.
 *
 * @internal
 */
export function offerRouteHandlerClaim(claim: RouteHandlerClaim): boolean {
  const store = CorrelationContext.storage.getStore() as
    ClaimableStore | undefined;
  if (store === undefined) return false;
  offeredInStore = true;
  store[CLAIM] = claim;
  return true;
}

/**
 * Runs `fn` (which subscribes to the handler) with `claim` offered, for requests without a
 * correlation store.
 *
 * @internal
 */
export function runWithRouteHandlerClaim<T>(
  claim: RouteHandlerClaim,
  fn: () => T,
): T {
  offeredInFallback = true;
  return fallback.run(claim, fn);
}

/**
 * Takes the pending claim when it is for the wrapper with `metadata` (compared by identity, so
 * an outer method decorator that copied the metadata still matches). The first matching call
 * in the request takes it; later calls of the same method (nested, or from another provider)
 * find it taken and log on their own.
 *
 * @internal
 */
export function takeRouteHandlerClaim(
  metadata: LogResultOperationMetadata,
): RouteHandlerClaim | undefined {
  let claim: RouteHandlerClaim | undefined;
  if (offeredInStore) {
    const store = CorrelationContext.storage.getStore() as
      ClaimableStore | undefined;
    claim = store?.[CLAIM];
  }
  // `??`: a store entered inside the handler (`@WithCorrelation`) must not hide the fallback
  if (claim === undefined && offeredInFallback) claim = fallback.getStore();
  if (claim === undefined || claim.taken || claim.logMetadata !== metadata)
    return undefined;
  claim.taken = true;
  return claim;
}
