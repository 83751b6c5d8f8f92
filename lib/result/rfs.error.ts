import { ERROR_CODE_STATUS, ErrorCode, isErrorCode } from './error-code';

/**
 * Anything with a `code` string is treated like an {@link RfsError} across nestjs-rfs (HTTP
 * status, problem+json, logs, metrics), so users' own error classes work unchanged.
 */
export interface CodedError {
  code: string;
  message?: string;
  status?: number;
  details?: unknown;
}

/** True when `value` is an object with a string `code`. */
export function isCodedError(value: unknown): value is CodedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** One invalid field of a validation error. */
export interface FieldError {
  /** Field path (`items[0].qty`). */
  field: string;
  /** What is wrong and what is accepted. */
  message: string;
  /** Machine-readable reason (`required`, `min`, …). */
  code?: string;
}

/** Options of the {@link RfsError} constructor. */
export interface RfsErrorOptions {
  /** HTTP status; always wins over the code's default. */
  status?: number;
  /** Structured fields. */
  details?: Record<string, unknown>;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The typed error of nestjs-rfs: a `code`, an HTTP `status` (explicit or the code's default),
 * structured `details` and an optional `cause`.
 *
 * @example
 * ```ts
 * return err(RfsError.notFound('order', id)); // 404 problem+json at the HTTP boundary
 * ```
 */
export class RfsError extends Error {
  /** Error code (one of {@link ErrorCode} or a user's own). */
  readonly code: string;
  /** HTTP status: the explicit one, else the code's default, else 500. */
  readonly status: number;
  /** Structured fields (resource, id, field errors, …); absent (not `undefined`-valued) when none. */
  declare readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode | string,
    message: string,
    options: RfsErrorOptions = {},
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    // Subclasses report their own name (`OrderNotFound`); the literal keeps the base name
    // stable under minifiers.
    this.name = new.target === RfsError ? 'RfsError' : new.target.name;
    this.code = code;
    this.status =
      options.status ?? (isErrorCode(code) ? ERROR_CODE_STATUS[code] : 500);
    if (options.details !== undefined) this.details = options.details;
  }

  /** 400: invalid input; `fieldErrors` become `details.errors` (and problem+json `errors`). */
  static validation(
    fieldErrors: FieldError[] | Record<string, string>,
    message?: string,
  ): RfsError {
    const errors = Array.isArray(fieldErrors)
      ? fieldErrors
      : Object.entries(fieldErrors).map(([field, msg]) => ({
          field,
          message: msg,
        }));
    const text =
      message ??
      (errors.length === 0
        ? 'Validation failed'
        : errors.length === 1
          ? `Validation failed: ${errors[0].field} ${errors[0].message}`
          : `Validation failed for ${errors.length} fields`);
    return new RfsError(ErrorCode.VALIDATION_ERROR, text, {
      details: { errors },
    });
  }

  /** 401: the caller is not authenticated. */
  static unauthorized(reason?: string): RfsError {
    return new RfsError(
      ErrorCode.UNAUTHORIZED,
      reason ? `Authentication required: ${reason}` : 'Authentication required',
      reason ? { details: { reason } } : {},
    );
  }

  /** 403: the caller may not perform `action` on `resource`. */
  static forbidden(resource: string, action: string): RfsError {
    return new RfsError(
      ErrorCode.FORBIDDEN,
      `Not allowed to ${action} ${resource}`,
      {
        details: { resource, action },
      },
    );
  }

  /** 404: `resource` (with `id`) does not exist. */
  static notFound(resource: string, id?: string | number): RfsError {
    return new RfsError(
      ErrorCode.NOT_FOUND,
      id === undefined
        ? `${resource} not found`
        : `${resource} ${id} not found`,
      { details: id === undefined ? { resource } : { resource, id } },
    );
  }

  /** 408: the client took too long to send the request. */
  static requestTimeout(): RfsError {
    return new RfsError(
      ErrorCode.REQUEST_TIMEOUT,
      'The request took too long to arrive',
    );
  }

  /** 409: `resource` conflicts with its current state. */
  static conflict(resource: string, reason: string): RfsError {
    return new RfsError(
      ErrorCode.CONFLICT,
      `Conflict on ${resource}: ${reason}`,
      {
        details: { resource, reason },
      },
    );
  }

  /** 413: the payload is larger than `limit`. */
  static payloadTooLarge(limit?: string | number): RfsError {
    return new RfsError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      limit === undefined
        ? 'Payload too large'
        : `Payload too large (limit ${limit})`,
      limit === undefined ? {} : { details: { limit } },
    );
  }

  /** 429: more than `limit` requests per `window`. */
  static rateLimited(limit: number, window: string): RfsError {
    return new RfsError(
      ErrorCode.RATE_LIMITED,
      `Rate limit of ${limit} per ${window} exceeded`,
      {
        details: { limit, window },
      },
    );
  }

  /** 500: an unexpected internal failure. */
  static internal(
    message = 'Internal server error',
    cause?: unknown,
  ): RfsError {
    return new RfsError(ErrorCode.INTERNAL_SERVER_ERROR, message, { cause });
  }

  /** 500: a database `operation` failed. */
  static database(
    operation: string,
    detail?: string,
    cause?: unknown,
  ): RfsError {
    return new RfsError(
      ErrorCode.DATABASE_ERROR,
      detail
        ? `Database ${operation} failed: ${detail}`
        : `Database ${operation} failed`,
      { details: detail ? { operation, detail } : { operation }, cause },
    );
  }

  /** 502: the external `service` failed. */
  static externalService(
    service: string,
    reason?: string,
    cause?: unknown,
  ): RfsError {
    return new RfsError(
      ErrorCode.EXTERNAL_SERVICE_ERROR,
      reason
        ? `External service ${service} failed: ${reason}`
        : `External service ${service} failed`,
      { details: reason ? { service, reason } : { service }, cause },
    );
  }

  /** 503: the service is temporarily unavailable. */
  static serviceUnavailable(reason?: string): RfsError {
    return new RfsError(
      ErrorCode.SERVICE_UNAVAILABLE,
      reason ? `Service unavailable: ${reason}` : 'Service unavailable',
      reason ? { details: { reason } } : {},
    );
  }

  /** 504: `operation` did not finish within `ms` milliseconds. */
  static timeout(operation: string, ms: number): RfsError {
    return new RfsError(
      ErrorCode.TIMEOUT_ERROR,
      `${operation} timed out after ${ms} ms`,
      {
        details: { operation, timeoutMs: ms },
      },
    );
  }

  /** `{ name, code, status, message, details? }` (the cause is not serialised). */
  toJSON(): {
    name: string;
    code: string;
    status: number;
    message: string;
    details?: unknown;
  } {
    const out: {
      name: string;
      code: string;
      status: number;
      message: string;
      details?: unknown;
    } = {
      name: this.name,
      code: this.code,
      status: this.status,
      message: this.message,
    };
    if (this.details !== undefined) out.details = this.details;
    return out;
  }
}
