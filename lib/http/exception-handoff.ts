// What the Result → HTTP boundary hands ResultExceptionFilter: a response the handler
// pipeline prepared, and the problems both pipelines computed for errors handlers threw (the
// filter renders the same status without classifying the error twice).
import type { Problem } from './problem-details';

/**
 * A response the handler pipeline prepared for a route whose status differs from the route's
 * own (an Err's problem, a 207 or failed batch). Thrown from the wrapped handler so Nest's
 * exception path hands it to ResultExceptionFilter, which writes it as is. Deliberately
 * not an `Error`: throwing it captures no stack.
 *
 * @internal shared by the handler pipeline and ResultExceptionFilter
 */
export class PreparedHttpResponse {
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** JSON body. */
    readonly body: unknown,
    /** Content type of the body. */
    readonly contentType: string,
  ) {}
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
