import type { Result } from './result';

// Type-level helpers over Result types (no run-time code).

/** The value type of a Result type. */
export type OkType<R> = R extends Result<infer T, unknown> ? T : never;
/** The error type of a Result type. */
export type ErrType<R> = R extends Result<unknown, infer E> ? E : never;

/** Handlers for {@link Ok.match} / {@link Err.match}. */
export interface ResultMatcher<T, E, A, B> {
  ok: (value: T) => A;
  err: (error: E) => B;
}
