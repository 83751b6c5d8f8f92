import type { OperationEvent } from '../operations/operation-event';
import { isCodedError } from '../result/rfs.error';

/** Routes of nestjs-rfs and @willsoto/nestjs-prometheus, announced by the HTTP interceptor. */
const INTERNAL_OPERATION = /^(RfsDashboardController|PrometheusController)\./;

/** Whether a declared operation name is one of the internal routes (never exported). */
export function isInternalOperationName(operation: string): boolean {
  return INTERNAL_OPERATION.test(operation);
}

/**
 * Scrapes and dashboard polls are not business operations: the routes of nestjs-rfs and of
 * `@willsoto/nestjs-prometheus` (by handler name, so any global prefix works), and the default
 * `/metrics` path (a custom Prometheus controller class keeps its own name).
 */
export function isInternalOperation(event: OperationEvent): boolean {
  if (INTERNAL_OPERATION.test(event.operation)) return true;
  return event.http !== undefined && /^\/?metrics\/?$/.test(event.http.route);
}

/** Error code of a failed event: the error's `code`, else none. */
export function errorCodeOf(error: unknown): string | undefined {
  return isCodedError(error) ? error.code : undefined;
}
