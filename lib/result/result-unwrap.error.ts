/** Thrown by `unwrapOrThrow()` (for non-Error errors) and `expect()` on an Err; `cause` is the error. */
export class ResultUnwrapError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ResultUnwrapError';
  }
}
