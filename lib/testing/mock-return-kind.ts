import type { Result } from '../result/result';
import { MonoResult } from '../result/mono-result';
import { FluxResult } from '../result/flux-result';
import type { AnyFunction, MockReturnKind } from './mock.types';

type MetadataReader = (
  key: string,
  target: object,
  property: string,
) => unknown;

/**
 * How a method hands back Results, from what can be seen at run time: decorator metadata
 * (`design:returntype`, present when the method has any decorator) or an `async` function.
 */
export function detectReturnKind(
  proto: object,
  name: string,
  fn: AnyFunction,
): MockReturnKind {
  const getMetadata = (Reflect as { getMetadata?: MetadataReader }).getMetadata;
  const returnType =
    typeof getMetadata === 'function'
      ? getMetadata('design:returntype', proto, name)
      : undefined;
  if (returnType === Promise) return 'promise';
  if (returnType === MonoResult) return 'mono';
  if (returnType === FluxResult) return 'flux';
  if (Object.prototype.toString.call(fn) === '[object AsyncFunction]') {
    return 'promise';
  }
  return 'result';
}

/** Shapes one Result as a method of `kind` returns it. */
export function wrapResult(
  result: Result<unknown, unknown>,
  kind: MockReturnKind,
): unknown {
  switch (kind) {
    case 'promise':
      return Promise.resolve(result);
    case 'mono':
      return MonoResult.fromResult(result);
    case 'flux':
      return toFlux([result]);
    default:
      return result;
  }
}

/** A FluxResult of these items. */
export function toFlux(
  items: Result<unknown, unknown>[],
): FluxResult<unknown, unknown> {
  return FluxResult.fromResults(items);
}
