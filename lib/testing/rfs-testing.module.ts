import {
  Inject,
  Injectable,
  Module,
  Optional,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import { requireAlertDuration } from '../alerts/alert-duration';
import { alertsProviders } from '../alerts/alerts.providers';
import { ResultAlertService } from '../alerts/result-alert.service';
import { loggingProviders } from '../logging/logging.providers';
import { ResultLogger } from '../logging/result-logger';
import { RFS_METRICS_REGISTRY } from '../metrics/metrics.constants';
import { metricsProviders } from '../metrics/metrics.providers';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { OperationHub } from '../operations/operation-hub';
import { getRfsOptionsToken } from '../rfs-options.provider';
import { RFS_ALERT_NOTIFIERS, RFS_CLOCK } from '../rfs.constants';
import type { RfsModuleForRootOptions } from '../rfs.module-definition';
import { RfsModule } from '../rfs.module';
import type { RfsModuleOptions } from '../rfs.options';
import { RecordingAlertNotifier } from './recording-alert.notifier';
import { RfsLogCapture } from './rfs-log.capture';
import { RfsTestClock } from './rfs-test.clock';

/** Options of {@link RfsTestingModule.forRoot}: RfsModule's options plus the test clock's start. */
export type RfsTestingModuleOptions = RfsModuleForRootOptions & {
  /** Epoch ms the {@link RfsTestClock} starts at (default 2026-01-01T00:00:00Z). */
  clockStartMs?: number;
};

/** Prefix of the deterministic correlation ids (`test-cid-1`, `test-cid-2`, …). */
export const TEST_CORRELATION_ID_PREFIX = 'test-cid-';

/** Deterministic correlation ids of one testing module. */
@Injectable()
export class TestCorrelationIds {
  private n = 0;

  /** The next id: `test-cid-1`, `test-cid-2`, … */
  next(): string {
    this.n += 1;
    return `${TEST_CORRELATION_ID_PREFIX}${this.n}`;
  }

  /** How many ids were handed out. */
  count(): number {
    return this.n;
  }
}

/** Drives alert evaluation from the test clock: one evaluation per interval the clock passes. */
@Injectable()
export class RfsTestingLifecycle implements OnModuleInit, OnModuleDestroy {
  private cancel: (() => void) | undefined;

  constructor(
    @Inject(getRfsOptionsToken()) private readonly options: RfsModuleOptions,
    private readonly clock: RfsTestClock,
    @Optional() private readonly alerts?: ResultAlertService,
  ) {}

  onModuleInit(): void {
    const alerts = this.alerts;
    const section = this.options.alerts;
    if (!alerts || section === false) return;
    const intervalMs = requireAlertDuration(
      'alerts.evaluationInterval',
      section.evaluationInterval,
    );
    this.cancel = this.clock.every(intervalMs, (now) => alerts.evaluate(now));
  }

  onModuleDestroy(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}

/**
 * RfsModule for tests: the same providers, with test doubles where time and output live —
 * Result log lines go to an in-memory {@link RfsLogCapture} (no nestjs-pino needed), metrics
 * to a prom-client `Registry` of their own (no "already registered" between tests), alerts to a
 * {@link RecordingAlertNotifier}, correlation ids are `test-cid-1`, `test-cid-2`, … and the
 * {@link RfsTestClock} (the `RFS_CLOCK`) drives metric windows and alert evaluation.
 *
 * Use it instead of `RfsModule.forRoot` (not next to it: RfsModule may be configured once).
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
    const clock = new RfsTestClock(clockStartMs);
    const capture = new RfsLogCapture({ clock });
    const recorder = new RecordingAlertNotifier();
    const ids = new TestCorrelationIds();
    const correlation =
      rfsOptions.correlation === false
        ? false
        : {
            ...(rfsOptions.correlation ?? {}),
            generateId:
              rfsOptions.correlation?.generateId ?? (() => ids.next()),
          };
    const base = RfsModule.forRoot({ ...rfsOptions, correlation });
    const doubles: Provider[] = [
      { provide: RfsTestClock, useValue: clock },
      { provide: RFS_CLOCK, useValue: clock },
      { provide: RfsLogCapture, useValue: capture },
      { provide: RecordingAlertNotifier, useValue: recorder },
      { provide: RFS_ALERT_NOTIFIERS, useValue: [recorder] },
      {
        provide: RFS_METRICS_REGISTRY,
        useFactory: (o: RfsModuleOptions) =>
          o.metrics === false ? undefined : newRegistry(),
        inject: [getRfsOptionsToken()],
      },
      { provide: TestCorrelationIds, useValue: ids },
      {
        provide: ResultLogger,
        useFactory: (o: RfsModuleOptions, hub: OperationHub) =>
          new ResultLogger(
            capture.logger,
            {
              serviceName: o.serviceName,
              environment: o.environment,
              logging: o.logging,
            },
            hub,
          ),
        inject: [getRfsOptionsToken(), OperationHub],
      },
      RfsTestingLifecycle,
    ];
    return {
      ...base,
      // RfsModule's own providers come from its @Module metadata; these are added after them,
      // so for a shared token the double wins. The feature lists are repeated so the kit works
      // whether or not RfsModule wires them yet (same tokens: no duplicates).
      providers: [
        ...(base.providers ?? []),
        ...loggingProviders,
        ...metricsProviders,
        ...alertsProviders,
        ...doubles,
      ],
      exports: [
        ...(base.exports ?? []),
        RfsTestClock,
        RFS_CLOCK,
        RfsLogCapture,
        RecordingAlertNotifier,
        RFS_METRICS_REGISTRY,
        TestCorrelationIds,
        ResultLogger,
        ResultMetricsCollector,
        ResultAlertService,
      ],
    };
  }
}

function newRegistry(): Registry {
  // prom-client is an optional peer: loaded only when metrics are on.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client = require('prom-client') as typeof import('prom-client');
  return new client.Registry();
}
