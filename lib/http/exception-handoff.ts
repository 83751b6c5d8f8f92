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

/** Problems computed by the pipeline for errors its handlers threw (the filter reuses them). */
const thrownProblems = new WeakMap<object, Problem>();

/** @internal Remembers the problem computed for `error`, thrown by a route handler. */
export function rememberThrownProblem(error: unknown, problem: Problem): void {
  if (typeof error === 'object' && error !== null)
    thrownProblems.set(error, problem);
}

/**
 * The problem the handler pipeline computed for `error` thrown by a route handler, so the
 * exception filter renders the same status without classifying it twice.
 *
 * @internal
 */
export function handlerThrownProblemOf(error: unknown): Problem | undefined {
  return typeof error === 'object' && error !== null
    ? thrownProblems.get(error)
    : undefined;
}

/** Where ResultInterceptor leaves the problem of a thrown error on the request. */
const THROWN = Symbol.for('rfs:http-thrown-problem');

type ThrownHolder = { [THROWN]?: { error: unknown; problem: Problem } };

/** @internal ResultInterceptor: remembers the problem computed for `error` thrown by `request`'s handler. */
export function stashThrownProblem(
  request: object,
  error: unknown,
  problem: Problem,
): void {
  (request as ThrownHolder)[THROWN] = { error, problem };
}

/**
 * The problem ResultInterceptor computed for an error thrown by `request`'s handler, so the
 * exception filter renders the same status without classifying the error twice.
 */
export function thrownProblemOf(
  request: unknown,
  error: unknown,
): Problem | undefined {
  const stash = (request as ThrownHolder | undefined)?.[THROWN];
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
