import { HttpException, Inject, Injectable, Optional } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { ERROR_CODE_STATUS, ErrorCode } from '../result/error-code';
import type { FieldError } from '../result/rfs.error';
import type { OperationOutcome } from '../result/outcome';
import { getRfsOptionsToken } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import { ErrorStatusRegistry } from './error-status.registry';
import { HttpOptions } from './http.options';
import {
  constructorName,
  safeGet,
  safeInstanceOf,
  safeString,
  toJsonSafe,
} from './safe-value';

/** Content type of every problem response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An RFC 9457 problem body, as nestjs-rfs writes it for every Err and every thrown error.
 *
 * @example
 * ```json
 * { "type": "about:blank", "title": "Not Found", "status": 404, "detail": "order 42 not found",
 *   "instance": "/orders/42", "code": "NOT_FOUND", "correlationId": "9f1c…",
 *   "details": { "resource": "order", "id": "42" } }
 * ```
 */
export interface ProblemDetails {
  /** URI of the problem type (`about:blank`, or `http.problemTypeBaseUrl` + kebab-case code). */
  type: string;
  /** Short summary: the HTTP status phrase. */
  title: string;
  /** HTTP status. */
  status: number;
  /** What went wrong in this occurrence (generic for 5xx in production and for defects). */
  detail: string;
  /** The request path this problem occurred on. */
  instance?: string;
  /** Machine-readable error code (`NOT_FOUND`, a user's own code, …). */
  code: string;
  /** Correlation id of the request, to quote in support requests. */
  correlationId?: string;
  /** Field errors of a validation failure. */
  errors?: FieldError[];
  /** Structured fields of the error (never for 5xx in production). */
  details?: Record<string, unknown>;
}

/** Request facts a problem body carries. */
export interface ProblemContext {
  /** Request path (without the query string). */
  readonly instance?: string;
  /** Correlation id of the request. */
  readonly correlationId?: string;
}

/** A problem body with its status and how the operation ended. */
export interface Problem {
  readonly status: number;
  readonly body: ProblemDetails;
  /** `err` for typed failures, `defect` for unknown throws. */
  readonly outcome: Exclude<OperationOutcome, 'ok'>;
}

const STATUS_CODE: Readonly<Record<number, string>> = (() => {
  const out: Record<number, string> = {};
  for (const code of Object.values(ErrorCode)) {
    const status = ERROR_CODE_STATUS[code];
    if (out[status] === undefined) out[status] = code;
  }
  return out;
})();

/** The built-in code for an HTTP status (`404` → `NOT_FOUND`), else `HTTP_<status>`. */
export function errorCodeForStatus(status: number): string {
  return STATUS_CODE[status] ?? `HTTP_${status}`;
}

const GENERIC_DETAIL =
  'The server could not complete the request. Quote the correlationId when reporting it.';

let current: ProblemDetailsFactory | undefined;

/**
 * Turns any error (an Err's error or a thrown value) into a {@link Problem}: status from the
 * {@link ErrorStatusRegistry}, RFC 9457 body, production redaction (5xx bodies carry the status
 * phrase and a generic detail; 4xx keep their detail). Never throws, whatever it is given.
 * Subclass it and provide your class to change the body (e.g. add fields).
 *
 * @example
 * ```ts
 * const problems = new ProblemDetailsFactory({ environment: 'production' });
 * problems.create(RfsError.notFound('order', 42), { instance: '/orders/42' }).status; // 404
 * ```
 */
@Injectable()
export class ProblemDetailsFactory {
  /** The status registry built from `http.errorStatus` / `http.errorMapper`. */
  readonly registry: ErrorStatusRegistry;
  /** Whether 5xx details are hidden (`environment === 'production'`). */
  readonly production: boolean;
  private readonly typeBase: string;

  constructor(
    @Optional()
    @Inject(getRfsOptionsToken())
    options?: Partial<Pick<RfsModuleOptions, 'environment' | 'http'>>,
  ) {
    const http =
      options?.http === false || options?.http === undefined
        ? new HttpOptions()
        : options.http;
    this.registry = new ErrorStatusRegistry(http);
    this.production =
      (options?.environment ?? process.env.NODE_ENV) === 'production';
    const base = http.problemTypeBaseUrl;
    this.typeBase = !base || base === 'about:blank' ? '' : base;
  }

  /** The factory of the running RfsModule (or one with default options). */
  static current(): ProblemDetailsFactory {
    current ??= new ProblemDetailsFactory();
    return current;
  }

  /** Makes `factory` the one {@link ProblemDetailsFactory.current} returns (`undefined` resets). */
  static setCurrent(factory: ProblemDetailsFactory | undefined): void {
    current = factory;
  }

  /**
   * The problem for `error`. `thrown` says whether it was thrown (an unknown throw is a defect)
   * or came from an Err (always an `err` outcome).
   */
  create(
    error: unknown,
    context: ProblemContext = {},
    thrown = false,
  ): Problem {
    try {
      return this.build(error, context, thrown);
    } catch {
      return {
        status: 500,
        outcome: 'defect',
        body: this.body(500, 'INTERNAL_SERVER_ERROR', GENERIC_DETAIL, context),
      };
    }
  }

  /** Builds the body (override to add fields; call `super.build`). */
  protected build(
    error: unknown,
    context: ProblemContext,
    thrown: boolean,
  ): Problem {
    const { status, source } = this.registry.resolve(error);
    if (safeInstanceOf(error, HttpException)) {
      return this.fromHttpException(error as HttpException, status, context);
    }
    const rawCode = safeGet(error, 'code');
    const coded = typeof rawCode === 'string' && rawCode.length > 0;
    const known = coded || source !== 'default';
    const outcome = thrown && !known ? 'defect' : 'err';
    const code = coded
      ? rawCode.length > 100
        ? rawCode.slice(0, 100)
        : rawCode
      : errorCodeForStatus(status);

    const hide = outcome === 'defect' || (this.production && status >= 500);
    const detail = hide ? GENERIC_DETAIL : this.detailOf(error, status);
    const body = this.body(status, code, detail, context);
    if (!hide) this.addDetails(body, safeGet(error, 'details'));
    return { status, body, outcome };
  }

  /** Body of a thrown (or returned) Nest `HttpException`. */
  protected fromHttpException(
    error: HttpException,
    status: number,
    context: ProblemContext,
  ): Problem {
    const hide = this.production && status >= 500;
    const response = safeCall(error, 'getResponse');
    let detail: string;
    let messages: unknown[] | undefined;
    if (typeof response === 'string') {
      detail = response;
    } else {
      const message = safeGet(response, 'message');
      if (Array.isArray(message)) {
        messages = message;
        detail =
          message.length === 1 && typeof message[0] === 'string'
            ? message[0]
            : `${message.length} problems with the request`;
      } else {
        detail =
          typeof message === 'string'
            ? message
            : (safeString(error, 'message') ?? statusPhrase(status));
      }
    }
    const body = this.body(
      status,
      errorCodeForStatus(status),
      hide ? GENERIC_DETAIL : detail,
      context,
    );
    if (!hide && messages) {
      const errors: FieldError[] = [];
      for (const m of messages) {
        if (typeof m !== 'string') continue;
        const space = m.indexOf(' ');
        errors.push({ field: space > 0 ? m.slice(0, space) : '', message: m });
      }
      if (errors.length > 0) body.errors = errors;
    }
    return { status, body, outcome: 'err' };
  }

  /** The `detail` of an error that is shown (4xx, or 5xx outside production). */
  protected detailOf(error: unknown, status: number): string {
    if (typeof error === 'string') {
      return error.length > 2000 ? `${error.slice(0, 2000)}…` : error;
    }
    return (
      safeString(error, 'message') ??
      (constructorName(error) ? `${constructorName(error)}` : undefined) ??
      statusPhrase(status)
    );
  }

  /** A body without `errors`/`details`. */
  protected body(
    status: number,
    code: string,
    detail: string,
    context: ProblemContext,
  ): ProblemDetails {
    // Insertion order is the RFC reading order: type, title, status, detail, instance, code, …
    const body = {
      type: this.typeBase ? this.typeBase + kebab(code) : 'about:blank',
      title: statusPhrase(status),
      status,
      detail,
    } as ProblemDetails;
    if (context.instance !== undefined) body.instance = context.instance;
    body.code = code;
    if (context.correlationId !== undefined) {
      body.correlationId = context.correlationId;
    }
    return body;
  }

  /** Copies `details` (JSON-safe) and its field `errors` onto the body. */
  protected addDetails(body: ProblemDetails, details: unknown): void {
    if (typeof details !== 'object' || details === null) return;
    const copy = toJsonSafe(details);
    if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
      return;
    }
    const rest = copy as Record<string, unknown>;
    if (Array.isArray(rest.errors)) {
      body.errors = rest.errors.filter(isFieldError);
      delete rest.errors;
    }
    if (Object.keys(rest).length > 0) body.details = rest;
  }
}

function isFieldError(value: unknown): value is FieldError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FieldError).field === 'string' &&
    typeof (value as FieldError).message === 'string'
  );
}

function statusPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function kebab(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function safeCall(obj: unknown, method: string): unknown {
  const fn = safeGet(obj, method);
  if (typeof fn !== 'function') return undefined;
  try {
    return (fn as () => unknown).call(obj);
  } catch {
    return undefined;
  }
}
