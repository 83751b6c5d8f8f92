/**
 * Token of an optional prom-client `Registry` for the nestjs-rfs series. Without it the
 * collector uses prom-client's default `register`, the one `@willsoto/nestjs-prometheus` serves.
 */
export const RFS_METRICS_REGISTRY = Symbol('rfs:metrics-registry');

/**
 * Returns the token under which a custom prom-client `Registry` may be provided.
 * @example providers: [{ provide: getRfsMetricsRegistryToken(), useValue: new Registry() }]
 */
export function getRfsMetricsRegistryToken(): symbol {
  return RFS_METRICS_REGISTRY;
}
