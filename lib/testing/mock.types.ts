import type { Result } from '../result/result';
import type { MonoResult } from '../result/mono-result';
import type { FluxResult } from '../result/flux-result';

/** Any function type, for constraints (parameters are contravariant: `never[]` accepts all). */
export type AnyFunction = (...args: never[]) => unknown;

/** A class whose instances are `T` (constructor arguments do not matter to a mock). */
export type ServiceClass<T> = abstract new (...args: never[]) => T;

/** Names of the methods of `T` (string keys whose values are functions). */
export type MethodKey<T> = {
  [K in keyof T]-?: T[K] extends AnyFunction ? K : never;
}[keyof T] &
  string;

/** Parameters of method `K` of `T`. */
export type MethodArgs<T, K extends keyof T> = T[K] extends (
  ...args: infer A
) => unknown
  ? A
  : never;

/** Return type of method `K` of `T`. */
export type MethodReturn<T, K extends keyof T> = T[K] extends (
  ...args: never[]
) => infer R
  ? R
  : never;

/**
 * The `Result` a method produces: its return type for `Result` methods, the awaited Result for
 * `Promise<Result>` and `MonoResult` methods, the item type for `FluxResult` methods.
 */
export type MethodResult<T, K extends keyof T> =
  Awaited<MethodReturn<T, K>> extends infer R
    ? R extends Result<unknown, unknown>
      ? R
      : MethodReturn<T, K> extends FluxResult<infer V, infer E>
        ? Result<V, E>
        : never
    : never;

/** The Ok value type of method `K`. */
export type MethodOk<T, K extends keyof T> =
  MethodResult<T, K> extends Result<infer V, unknown> ? V : never;

/** The error type of method `K`. */
export type MethodErr<T, K extends keyof T> =
  MethodResult<T, K> extends Result<unknown, infer E> ? E : never;

/** Methods returning a `Result`, a `Promise<Result>` or a `MonoResult`. */
export type ResultMethodKey<T> = {
  [K in MethodKey<T>]: Awaited<MethodReturn<T, K>> extends Result<
    unknown,
    unknown
  >
    ? K
    : never;
}[MethodKey<T>];

/** Methods returning a `MonoResult`. */
export type MonoMethodKey<T> = {
  [K in MethodKey<T>]: MethodReturn<T, K> extends MonoResult<unknown, unknown>
    ? K
    : never;
}[MethodKey<T>];

/** Methods returning a `FluxResult`. */
export type FluxMethodKey<T> = {
  [K in MethodKey<T>]: MethodReturn<T, K> extends FluxResult<unknown, unknown>
    ? K
    : never;
}[MethodKey<T>];

/**
 * How a stub hands a configured Result back: as is (`result`), in a resolved promise
 * (`promise`), as a `MonoResult` (`mono`) or as a `FluxResult` of the items (`flux`).
 */
export type MockReturnKind = 'result' | 'promise' | 'mono' | 'flux';
