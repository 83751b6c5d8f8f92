/** The 13 error codes of nestjs-rfs (the RFS API error set). */
export enum ErrorCode {
  VALIDATION_ERROR = 'VALIDATION_ERROR',
  UNAUTHORIZED = 'UNAUTHORIZED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  REQUEST_TIMEOUT = 'REQUEST_TIMEOUT',
  CONFLICT = 'CONFLICT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  DATABASE_ERROR = 'DATABASE_ERROR',
  EXTERNAL_SERVICE_ERROR = 'EXTERNAL_SERVICE_ERROR',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  TIMEOUT_ERROR = 'TIMEOUT_ERROR',
}

/** Default HTTP status of each {@link ErrorCode}. */
export const ERROR_CODE_STATUS: Readonly<Record<ErrorCode, number>> =
  Object.freeze({
    [ErrorCode.VALIDATION_ERROR]: 400,
    [ErrorCode.UNAUTHORIZED]: 401,
    [ErrorCode.FORBIDDEN]: 403,
    [ErrorCode.NOT_FOUND]: 404,
    [ErrorCode.REQUEST_TIMEOUT]: 408,
    [ErrorCode.CONFLICT]: 409,
    [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
    [ErrorCode.RATE_LIMITED]: 429,
    [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
    [ErrorCode.DATABASE_ERROR]: 500,
    [ErrorCode.EXTERNAL_SERVICE_ERROR]: 502,
    [ErrorCode.SERVICE_UNAVAILABLE]: 503,
    [ErrorCode.TIMEOUT_ERROR]: 504,
  });

/** True when `code` is one of the 13 built-in codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return (
    typeof code === 'string' &&
    Object.prototype.hasOwnProperty.call(ERROR_CODE_STATUS, code)
  );
}
