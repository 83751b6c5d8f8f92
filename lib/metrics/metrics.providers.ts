import type { Provider } from '@nestjs/common';
import { ResultMetricsCollector } from './result-metrics.collector';

/**
 * Providers of the metrics feature, for RfsModule: the {@link ResultMetricsCollector}. It needs
 * the resolved options, the `RfsClock` and the `OperationHub` that RfsModule provides, and uses
 * a prom-client `Registry` provided under `getRfsMetricsRegistryToken()` when there is one.
 */
export const metricsProviders: Provider[] = [ResultMetricsCollector];
