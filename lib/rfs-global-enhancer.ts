import type { Provider, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { getRfsOptionsToken } from './rfs-options.provider';
import type { RfsModuleOptions } from './rfs.options';

/** Nest's global enhancer tokens. */
export type RfsGlobalEnhancerToken =
  | typeof APP_INTERCEPTOR
  | typeof APP_FILTER
  | typeof APP_GUARD
  | typeof APP_PIPE;

/** Tokens that only register a global enhancer (never exported from RfsModule). */
export const GLOBAL_ENHANCER_TOKENS: readonly string[] = [
  APP_INTERCEPTOR,
  APP_FILTER,
  APP_GUARD,
  APP_PIPE,
];

/**
 * Registers `enhancer` as a global interceptor/filter/guard/pipe the way tests can replace it:
 * the class itself is a provider, and the global token points at it, so
 * `Test.createTestingModule(...).overrideProvider(ResultInterceptor)` swaps the instance Nest
 * uses. Without `when` the global token is `{ provide, useExisting: enhancer }`. With `when`
 * (an option switch such as `http.interceptor`) the token is a factory that yields `null` when the
 * switch is off, which Nest skips — so the switch works with `forRootAsync` too and costs nothing
 * per request when off.
 *
 * @example
 * ```ts
 * export const httpProviders: Provider[] = [
 *   ...rfsGlobalEnhancer(APP_INTERCEPTOR, ResultInterceptor, (o) => o.http !== false && o.http.interceptor),
 * ];
 * ```
 */
export function rfsGlobalEnhancer(
  token: RfsGlobalEnhancerToken,
  enhancer: Type<unknown>,
  when?: (options: RfsModuleOptions) => boolean,
): Provider[] {
  if (when === undefined) {
    return [enhancer, { provide: token, useExisting: enhancer }];
  }
  return [
    enhancer,
    {
      provide: token,
      useFactory: (options: RfsModuleOptions, instance: unknown) =>
        when(options) ? instance : null,
      inject: [getRfsOptionsToken(), enhancer],
    },
  ];
}
