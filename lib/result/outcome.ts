/**
 * How an operation ended: `ok` (an Ok result or a plain value), `err` (an Err result: an
 * expected, typed failure) or `defect` (an exception: a programming error or an untyped throw).
 */
export type OperationOutcome = 'ok' | 'err' | 'defect';
