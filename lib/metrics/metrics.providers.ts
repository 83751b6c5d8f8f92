import type { Provider } from '@nestjs/common';
import { ResultMetricsCollector } from './result-metrics.collector';

/**
 * Providers of the metrics feature, for RfsModule: the {@link ResultMetricsCollector}. It needs
 * the resolved options, the `RfsClock` and the `OperationHub` that RfsModule provides, and
 * a prom-client `Registry` under {@link getRfsMetricsRegistryToken} when users give one.
 */
export function metricsProviders(): Provider[] {
  return [ResultMetricsCollector];
}

/** What RfsModule exports from the metrics feature. */
export const METRICS_EXPORTS = [ResultMetricsCollector];
