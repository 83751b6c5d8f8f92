import { RFS_HTTP_ERROR_STATUS_METADATA } from '../rfs.constants';

/**
 * Gives every instance of a user's error class an HTTP status at the Result → HTTP boundary
 * (used when the error has no explicit `status`, no built-in code and no `http.errorStatus`
 * entry). Subclasses inherit it.
 *
 * @example
 * ```ts
 * @HttpErrorStatus(409)
 * export class SeatTakenError extends Error {}
 * // return err(new SeatTakenError('seat 12A is taken')) → 409 problem+json
 * ```
 */
export function HttpErrorStatus(status: number): ClassDecorator {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new TypeError(
      `@HttpErrorStatus(status): status must be an integer between 400 and 599, got ${String(status)}`,
    );
  }
  return (target) => {
    Reflect.defineMetadata(RFS_HTTP_ERROR_STATUS_METADATA, status, target);
  };
}
