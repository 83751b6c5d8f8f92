import { Module, type DynamicModule } from '@nestjs/common';
import { alertsProviders } from '../alerts/alerts.providers';
import { ResultAlertService } from '../alerts/result-alert.service';
import { loggingProviders } from '../logging/logging.providers';
import { ResultLogger } from '../logging/result-logger';
import { metricsProviders } from '../metrics/metrics.providers';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { RFS_CLOCK } from '../rfs.constants';
import type { RfsModuleForRootOptions } from '../rfs.module-definition';
import { RfsModule } from '../rfs.module';
import { RecordingAlertNotifier } from './recording-alert.notifier';
import { RfsLogCapture } from './rfs-log.capture';
import { RfsTestClock } from './rfs-test.clock';
import { RfsTestDoubles, TestCorrelationIds } from './rfs-test-doubles';

/** Options of {@link RfsTestingModule.forRoot}: RfsModule's options plus the test clock's start. */
export type RfsTestingModuleOptions = RfsModuleForRootOptions & {
  /** Epoch ms the {@link RfsTestClock} starts at (default 2026-01-01T00:00:00Z). */
  clockStartMs?: number;
};

/**
 * RfsModule for tests: the same providers, with test doubles where time and output live —
 * Result log lines go to an in-memory {@link RfsLogCapture} (no nestjs-pino needed), metrics
 * to a prom-client `Registry` of their own (no "already registered" between tests), alerts
 * also to a {@link RecordingAlertNotifier}, correlation ids are `test-cid-1`, `test-cid-2`, …
 * and the {@link RfsTestClock} (the `RFS_CLOCK`) drives metric windows and alert evaluation.
 *
 * Use it instead of `RfsModule.forRoot` (RfsModule may be configured once per application);
 * for an application module that already imports RfsModule, see `RfsTestDoubles.applyTo`.
 *
 * @example
 * ```ts
 * const moduleRef = await Test.createTestingModule({
 *   imports: [RfsTestingModule.forRoot({ serviceName: 'orders' })],
 *   providers: [OrdersService],
 * }).compile();
 * const capture = moduleRef.get(RfsLogCapture);
 * const clock = moduleRef.get(RfsTestClock);
 * ```
 */
@Module({})
export class RfsTestingModule {
  /** The testing variant of `RfsModule.forRoot(options)`. */
  static forRoot(options: RfsTestingModuleOptions = {}): DynamicModule {
    const { clockStartMs, ...rfsOptions } = options;
    const doubles = new RfsTestDoubles({ clockStartMs });
    const base = RfsModule.forRoot(rfsOptions);
    return {
      ...base,
      // RfsModule's own providers come from its @Module metadata; these are added after them,
      // so for a shared token the double wins. The feature lists are repeated so the kit works
      // whether or not RfsModule wires them (same tokens: no duplicates).
      providers: [
        ...(base.providers ?? []),
        ...loggingProviders,
        ...metricsProviders,
        ...alertsProviders,
        ...doubles.providers(),
      ],
      exports: [
        ...(base.exports ?? []),
        RfsTestDoubles,
        RfsTestClock,
        RFS_CLOCK,
        RfsLogCapture,
        RecordingAlertNotifier,
        TestCorrelationIds,
        ResultLogger,
        ResultMetricsCollector,
        ResultAlertService,
      ],
    };
  }
}
