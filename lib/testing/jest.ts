/**
 * Jest matchers of nestjs-rfs. Load once per test file through Jest's `setupFilesAfterEnv`:
 *
 * @example
 * ```js
 * // jest.config.js
 * module.exports = { setupFilesAfterEnv: ['nestjs-rfs/testing/jest'] };
 * // a spec
 * expect(service.find('1')).toBeOkWith({ id: '1' });
 * await expect(service.load('1')).toResolveErr('NOT_FOUND');
 * expect(ctx.capture).toHaveLogged({ operation: 'Orders.create', outcome: 'err' });
 * ```
 */
import type { LogEntryFilter } from './rfs-log.capture';
import type { OperationOutcome } from '../result/outcome';
import { rfsMatchers } from './result.matchers';

export { rfsMatchers };

interface RfsMatchers<R> {
  /** The received Result is an Ok. */
  toBeOk(): R;
  /** The received Result is an Ok whose value equals `value` (toEqual semantics). */
  toBeOkWith(value: unknown): R;
  /** The received Result is an Err. */
  toBeErr(): R;
  /** An Err whose error matches: a code string, a partial object (toMatchObject) or an error. */
  toBeErrWith(errorOrPartialOrCode: unknown): R;
  /** An Err whose error has this `code`. */
  toHaveErrorCode(code: string): R;
  /** The received MonoResult (or promise of a Result) yields an Ok, equal to `value` if given. */
  toResolveOk(value?: unknown): Promise<R>;
  /** The received MonoResult (or promise of a Result) yields an Err, matching if given. */
  toResolveErr(errorOrPartialOrCode?: unknown): Promise<R>;
  /** The received FluxResult's Ok values, in order, equal `values`. */
  toEmitOks(values: readonly unknown[]): Promise<R>;
  /** The received FluxResult's success rate is `rate` ± `tolerance` (default 0). */
  toHaveSuccessRate(rate: number, tolerance?: number): Promise<R>;
  /** The received RfsLogCapture (or test context) holds a matching line (`count` lines if given). */
  toHaveLogged(filter: LogEntryFilter, count?: number): R;
  /** The received collector (or test context) counted `count` `outcome`s of `operation`. */
  toHaveRecordedMetric(
    operation: string,
    outcome: OperationOutcome,
    count: number,
  ): Promise<R>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> extends RfsMatchers<R> {}
  }
}

declare module 'expect' {
  /* eslint-disable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- augmentation must repeat the original type parameters */
  interface Matchers<
    R extends void | Promise<void>,
    T = unknown,
  > extends RfsMatchers<R> {}
  /* eslint-enable @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars */
}

const jestExpect = (globalThis as { expect?: { extend?: unknown } }).expect;
if (typeof jestExpect?.extend !== 'function') {
  throw new Error(
    "nestjs-rfs/testing/jest registers Jest matchers and must run inside Jest: add it to setupFilesAfterEnv (setupFilesAfterEnv: ['nestjs-rfs/testing/jest']). For other runners use the assertion functions of nestjs-rfs/testing.",
  );
}
(jestExpect.extend as (matchers: object) => void)(rfsMatchers);
