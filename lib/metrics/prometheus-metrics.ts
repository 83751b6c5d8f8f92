import type {
  Counter,
  Histogram,
  Registry,
  default as PromClientDefault,
} from 'prom-client';
import type { MetricsOptions } from './metrics.options';

/** The prom-client module (its namespace import). */
export type PromClient = typeof PromClientDefault;

/** Thrown at startup when `metrics` is enabled and prom-client cannot be loaded. */
export class PromClientMissingError extends Error {
  constructor(cause: unknown) {
    super(
      "RfsModule: the `metrics` option is enabled but the package 'prom-client' is not installed. " +
        'Install it (`npm install prom-client`, and `@willsoto/nestjs-prometheus` to serve /metrics) ' +
        'or turn Prometheus export off with `metrics: false`.',
      { cause },
    );
    this.name = 'PromClientMissingError';
  }
}

/**
 * Loads prom-client, the optional peer dependency. `load` is replaceable so the failure path is
 * testable without uninstalling the package.
 */
export function loadPromClient(
  // An optional peer is loaded lazily, so apps with `metrics: false` need not install it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: (id: string) => unknown = (id) => require(id) as unknown,
): PromClient {
  try {
    return load('prom-client') as PromClient;
  } catch (e) {
    throw new PromClientMissingError(e);
  }
}

/** Name suffixes of the series nestjs-rfs exports (after `metrics.prefix`, default `rfs_`). */
export const METRIC_SUFFIXES = {
  operations: 'operations_total',
  duration: 'operation_duration_seconds',
  fluxItems: 'flux_items_total',
  httpRequests: 'http_requests_total',
  httpDuration: 'http_request_duration_seconds',
  correlationRejections: 'correlation_rejections_total',
} as const;

/** The prom-client metrics of one collector. */
export interface RfsPromMetrics {
  readonly registry: Registry;
  readonly operations: Counter<'operation' | 'outcome' | 'error_code'>;
  readonly duration: Histogram<'operation' | 'outcome'>;
  readonly fluxItems: Counter<'operation' | 'outcome'>;
  readonly httpRequests?: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration?: Histogram<'method' | 'route' | 'status'>;
  readonly correlationRejections: Counter<'source'>;
}

/** Flush callbacks per counter created here, run by the counter's `collect` hook. */
const flushers = new WeakMap<object, Set<() => void>>();

/** prom-client calls `collect` with the metric as `this` before every read (scrape, `get()`). */
function runFlushers(this: object): void {
  const set = flushers.get(this);
  if (set) for (const flush of set) flush();
}

/**
 * Registers `flush` to run before every read of `counter`, so increments counted in plain
 * numbers on the hot path reach prom-client at the next scrape (values are exact at every read).
 * Returns the remover, or undefined when the counter was not created by nestjs-rfs (then
 * callers must increment it directly).
 */
export function onCounterRead(
  counter: object,
  flush: () => void,
): (() => void) | undefined {
  const set = flushers.get(counter);
  if (!set) return undefined;
  set.add(flush);
  return () => set.delete(flush);
}

interface MetricLike {
  labelNames?: readonly string[];
  upperBounds?: readonly number[];
}

function sameList(
  a: readonly unknown[] | undefined,
  b: readonly unknown[],
): boolean {
  return (
    a !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
  );
}

/**
 * Returns the registered metric `name` when it has the same type, labels (and buckets), else
 * (re)creates it. Never throws "already registered": Jest runs several apps per process and
 * hot reload re-runs module init.
 */
function getOrCreate<M>(
  registry: Registry,
  name: string,
  type: abstract new (...args: never[]) => M,
  labelNames: readonly string[],
  buckets: readonly number[] | undefined,
  create: () => M,
): M {
  const existing = registry.getSingleMetric(name) as
    (MetricLike & object) | undefined;
  if (existing) {
    if (
      existing instanceof type &&
      sameList(existing.labelNames, labelNames) &&
      (buckets === undefined || sameList(existing.upperBounds, buckets))
    )
      return existing;
    registry.removeSingleMetric(name);
  }
  return create();
}

/**
 * Gets or creates the nestjs-rfs series in `registry` (the registry `@willsoto/nestjs-prometheus`
 * serves is prom-client's default `register`). Never calls `collectDefaultMetrics`.
 */
export function createRfsPromMetrics(
  client: PromClient,
  registry: Registry,
  options: MetricsOptions,
): RfsPromMetrics {
  const p = options.prefix;
  const buckets = options.buckets;
  const counter = <L extends string>(
    suffix: string,
    help: string,
    labelNames: L[],
  ): Counter<L> => {
    const name = p + suffix;
    return getOrCreate(
      registry,
      name,
      client.Counter,
      labelNames,
      undefined,
      () => {
        const created = new client.Counter<L>({
          name,
          help,
          labelNames,
          registers: [registry],
          collect: runFlushers,
        });
        flushers.set(created, new Set());
        return created;
      },
    ) as Counter<L>;
  };
  const histogram = <L extends string>(
    suffix: string,
    help: string,
    labelNames: L[],
  ): Histogram<L> => {
    const name = p + suffix;
    return getOrCreate(
      registry,
      name,
      client.Histogram,
      labelNames,
      buckets,
      () =>
        new client.Histogram<L>({
          name,
          help,
          labelNames,
          buckets: [...buckets],
          registers: [registry],
        }),
    ) as Histogram<L>;
  };
  return {
    registry,
    operations: counter(
      METRIC_SUFFIXES.operations,
      'Finished operations by outcome (ok, err, defect) and error code.',
      ['operation', 'outcome', 'error_code'],
    ),
    duration: histogram(
      METRIC_SUFFIXES.duration,
      'Duration of finished operations in seconds.',
      ['operation', 'outcome'],
    ),
    fluxItems: counter(
      METRIC_SUFFIXES.fluxItems,
      'Items of FluxResult streams by outcome (ok, err).',
      ['operation', 'outcome'],
    ),
    correlationRejections: counter(
      METRIC_SUFFIXES.correlationRejections,
      'Incoming correlation ids rejected as invalid (header, traceparent, message) and replaced.',
      ['source'],
    ),
    ...(options.httpMetrics
      ? {
          httpRequests: counter(
            METRIC_SUFFIXES.httpRequests,
            'HTTP requests by method, route template and status.',
            ['method', 'route', 'status'],
          ),
          httpDuration: histogram(
            METRIC_SUFFIXES.httpDuration,
            'HTTP request duration in seconds by method, route template and status.',
            ['method', 'route', 'status'],
          ),
        }
      : {}),
  };
}
