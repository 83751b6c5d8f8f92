/**
 * Copies every own `Reflect` metadata entry (guards, `@EventPattern`, Swagger, …) and the name
 * from `original` to `wrapper`, so a method-wrapping decorator keeps the decorators applied
 * before it working. Used by `@WithCorrelation` and the library's other method decorators.
 */
export function copyMethodMetadata(
  original: (...args: never[]) => unknown,
  wrapper: (...args: never[]) => unknown,
): void {
  for (const key of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original), wrapper);
  }
  Object.defineProperty(wrapper, 'name', {
    value: original.name,
    configurable: true,
  });
}
