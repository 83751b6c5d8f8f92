import { FluxResult } from '../result/flux-result';
import { MonoResult } from '../result/mono-result';

/** True for a MonoResult. */
export function isMonoResult(
  value: unknown,
): value is MonoResult<unknown, unknown> {
  return value instanceof MonoResult;
}

/** True for a FluxResult. */
export function isFluxResult(
  value: unknown,
): value is FluxResult<unknown, unknown> {
  return value instanceof FluxResult;
}
