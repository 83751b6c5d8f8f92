// What the Result → HTTP boundary hands ResultExceptionFilter: a response the handler
// pipeline prepared, and the problems both pipelines computed for errors handlers threw (the
// filter renders the same status without classifying the error twice).
import { HttpException } from '@nestjs/common';
import type { Problem } from './problem-details';
import { toJsonSafe } from './safe-value';

/**
 * A response the handler pipeline prepared for a route whose status differs from the route's
 * own (an Err's problem, a 207 or failed batch). Thrown from the wrapped handler so Nest's
 * exception path hands it to ResultExceptionFilter, which writes it as is (status, body,
 * content type).
 *
 * It is an `HttpException` so users' code around the handler (an interceptor's `catchError`,
 * a controller- or method-scoped `@Catch()` filter, Nest's `BaseExceptionFilter`) sees what it
 * expects: `getStatus()` is the problem's status, `getResponse()` the problem body (the batch
 * envelope for a batch), `message` its `detail` or `title`. An Err is a normal outcome (a 404),
 * so construction captures no stack trace (`Error.stackTraceLimit` is 0 while the `Error`
 * constructor runs): `stack` is the one-line `PreparedHttpResponse: <message>`.
 *
 * @internal shared by the handler pipeline and ResultExceptionFilter
 */
export class PreparedHttpResponse extends HttpException {
  /** Content type of the body. */
  readonly contentType: string;

  /**
   * @param status HTTP status
   * @param body JSON body (a problem or a batch envelope)
   * @param contentType content type of the body
   */
  constructor(status: number, body: unknown, contentType: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(body as Record<string, unknown>, status);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.contentType = contentType;
  }

  /** The body's `detail`, else its `title`, else a batch summary (HttpException calls it). */
  override initMessage(): void {
    this.message = messageOf(this.getResponse(), this.getStatus());
  }

  /** `JSON.stringify` never throws (a batch body holds users' values: BigInts, cycles). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.getStatus(),
      response: toJsonSafe(this.getResponse()),
    };
  }
}

function messageOf(body: unknown, status: number): string {
  if (typeof body === 'object' && body !== null) {
    const b = body as {
      detail?: unknown;
      title?: unknown;
      summary?: { total?: unknown; failed?: unknown };
    };
    if (typeof b.detail === 'string') return b.detail;
    if (typeof b.title === 'string') return b.title;
    const total = b.summary?.total;
    const failed = b.summary?.failed;
    if (typeof total === 'number' && typeof failed === 'number') {
      return `${failed} of ${total} batch items failed`;
    }
  }
  return `HTTP ${status}`;
}

/** Where ResultInterceptor and the handler pipeline leave the problem of a thrown error on the request. */
const THROWN = Symbol.for('rfs:http-thrown-problem');

type ThrownHolder = {
  [THROWN]?: { error: unknown; problem: Problem };
  raw?: ThrownHolder;
};

/**
 * @internal ResultInterceptor and the handler pipeline: remembers the problem computed for
 * `error` thrown by `request`'s handler (per request: one error object thrown by several
 * requests still gets each request's own problem).
 */
export function stashThrownProblem(
  request: object,
  error: unknown,
  problem: Problem,
): void {
  (request as ThrownHolder)[THROWN] = { error, problem };
}

/**
 * The problem ResultInterceptor or the handler pipeline computed for an error thrown by
 * `request`'s handler (an Express request, a Fastify request or its raw Node request), so the
 * exception filter renders the same status without classifying the error twice.
 */
export function thrownProblemOf(
  request: unknown,
  error: unknown,
): Problem | undefined {
  const r = request as ThrownHolder | undefined;
  const stash = r?.[THROWN] ?? r?.raw?.[THROWN];
  return stash !== undefined && stash.error === error
    ? stash.problem
    : undefined;
}

/** @internal The status Nest's own exception filter gives `error` (ResultExceptionFilter off). */
export function nestDefaultStatus(error: unknown): number {
  try {
    const status = (error as { getStatus?: () => unknown }).getStatus?.();
    return typeof status === 'number' ? status : 500;
  } catch {
    return 500;
  }
}
