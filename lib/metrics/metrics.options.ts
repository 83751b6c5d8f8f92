import { OptionsChecker } from '../rfs.options-errors';

/** Options of the `metrics` section (per-operation metrics on prom-client). */
export class MetricsOptions {
  /** Histogram buckets of `rfs_operation_duration_seconds`, in seconds. */
  buckets: number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  /** Distinct operations before the label value becomes `__other__`. */
  maxOperations = 1000;
  /** Distinct error codes per operation before the label value becomes `__other__`. */
  maxErrorCodes = 50;
  /** Export HTTP RED metrics (`rfs_http_requests_total`, `rfs_http_request_duration_seconds`). */
  httpMetrics = false;
  /** Prefix of every metric name. */
  prefix = 'rfs_';
}

/** Validates a user's `metrics` section; problems go to `check`. */
export function checkMetricsOptions(
  check: OptionsChecker,
  value: unknown,
): void {
  if (value === undefined || value === false) return;
  const p = 'metrics';
  if (!check.object(p, value)) return;
  check.knownKeys(p, value, Object.keys(new MetricsOptions()));
  if (value.buckets !== undefined) {
    const b = value.buckets;
    const ok =
      Array.isArray(b) &&
      b.length > 0 &&
      b.every(
        (x, i) =>
          typeof x === 'number' &&
          x > 0 &&
          Number.isFinite(x) &&
          (i === 0 || x > b[i - 1]),
      );
    if (!ok)
      check.fail(
        `${p}.buckets`,
        'a non-empty increasing array of positive seconds',
        b,
      );
  }
  check.number(`${p}.maxOperations`, value.maxOperations, {
    integer: true,
    min: 1,
  });
  check.number(`${p}.maxErrorCodes`, value.maxErrorCodes, {
    integer: true,
    min: 1,
  });
  check.boolean(`${p}.httpMetrics`, value.httpMetrics);
  if (
    value.prefix !== undefined &&
    (typeof value.prefix !== 'string' ||
      !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(value.prefix))
  ) {
    check.fail(
      `${p}.prefix`,
      'a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)',
      value.prefix,
    );
  }
}
