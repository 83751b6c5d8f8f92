import type { InjectionToken, Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { TestingModuleBuilder } from '@nestjs/testing';
import type { Registry } from 'prom-client';
import { requireAlertDuration } from '../alerts/alert-duration';
import { createResultAlertService } from '../alerts/alerts.providers';
import { ResultAlertService } from '../alerts/result-alert.service';
import { CorrelationIdResolver } from '../correlation/correlation-id.resolver';
import { CorrelationOptions } from '../correlation/correlation.options';
import { ResultLogger } from '../logging/result-logger';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { OperationHub } from '../operations/operation-hub';
import { getRfsOptionsToken } from '../rfs-options.provider';
import { RFS_ALERT_NOTIFIERS, RFS_CLOCK } from '../rfs.constants';
import type { RfsModuleOptions } from '../rfs.options';
import { RecordingAlertNotifier } from './recording-alert.notifier';
import { RfsLogCapture } from './rfs-log.capture';
import { RfsTestClock } from './rfs-test.clock';

/** Prefix of the deterministic correlation ids (`test-cid-1`, `test-cid-2`, …). */
export const TEST_CORRELATION_ID_PREFIX = 'test-cid-';

/** Deterministic correlation ids: `test-cid-1`, `test-cid-2`, … */
export class TestCorrelationIds {
  private n = 0;

  /** The next id. */
  next(): string {
    this.n += 1;
    return `${TEST_CORRELATION_ID_PREFIX}${this.n}`;
  }

  /** How many ids were handed out. */
  count(): number {
    return this.n;
  }
}

/** Options of {@link RfsTestDoubles}. */
export interface RfsTestDoublesOptions {
  /** Epoch ms the {@link RfsTestClock} starts at (default 2026-01-01T00:00:00Z). */
  clockStartMs?: number;
}

/**
 * The test doubles of one testing module and the providers that plug them into RfsModule:
 * the clock, the log capture, the recording notifier, an own prom-client registry and
 * deterministic correlation ids. {@link RfsTestingModule} uses {@link RfsTestDoubles.providers};
 * for an application module that already imports `RfsModule.forRoot`, apply them to the
 * builder with {@link RfsTestDoubles.applyTo}.
 *
 * @example
 * ```ts
 * const doubles = new RfsTestDoubles();
 * const moduleRef = await doubles
 *   .applyTo(Test.createTestingModule({ imports: [AppModule] }))
 *   .compile();
 * // …
 * expect(doubles.capture).toHaveLogged({ operation: 'OrdersController.create' });
 * ```
 */
export class RfsTestDoubles {
  /** The `RFS_CLOCK` of the module: drives metric windows and alert evaluation. */
  readonly clock: RfsTestClock;
  /** Where `ResultLogger` writes. */
  readonly capture: RfsLogCapture;
  /** Receives every alert event (next to the configured notifiers). */
  readonly notifier = new RecordingAlertNotifier();
  /** The correlation ids handed out (`test-cid-N`). */
  readonly ids = new TestCorrelationIds();
  private registryInstance: Registry | undefined;

  constructor(options: RfsTestDoublesOptions = {}) {
    this.clock = new RfsTestClock(options.clockStartMs);
    this.capture = new RfsLogCapture({ clock: this.clock });
  }

  /** The prom-client registry of this testing module (made on first use). */
  get registry(): Registry {
    if (!this.registryInstance) {
      // prom-client is an optional peer: loaded only when metrics are on.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const client = require('prom-client') as typeof import('prom-client');
      this.registryInstance = new client.Registry();
    }
    return this.registryInstance;
  }

  /** Providers that replace RfsModule's clock, logger, collector, alert service and id resolver. */
  providers(): Provider[] {
    return [
      { provide: RfsTestDoubles, useValue: this },
      { provide: RfsTestClock, useValue: this.clock },
      { provide: RfsLogCapture, useValue: this.capture },
      { provide: RecordingAlertNotifier, useValue: this.notifier },
      { provide: TestCorrelationIds, useValue: this.ids },
      ...this.overrides().map(([provide, useFactory, inject]): Provider => ({
        provide: provide as symbol,
        useFactory,
        inject,
      })),
    ];
  }

  /** Overrides RfsModule's providers on a builder whose modules import `RfsModule.forRoot`. */
  applyTo(builder: TestingModuleBuilder): TestingModuleBuilder {
    let b = builder;
    for (const [token, factory, inject] of this.overrides()) {
      b = b.overrideProvider(token).useFactory({ factory, inject });
    }
    return b;
  }

  private overrides(): Array<
    [InjectionToken, (...args: never[]) => unknown, InjectionToken[]]
  > {
    const options = getRfsOptionsToken();
    return [
      [RFS_CLOCK, () => this.clock, []],
      [
        CorrelationIdResolver,
        (o: RfsModuleOptions) =>
          new CorrelationIdResolver({
            ...(o.correlation || new CorrelationOptions()),
            generateId:
              (o.correlation === false
                ? undefined
                : o.correlation.generateId) ?? (() => this.ids.next()),
          }),
        [options],
      ],
      [
        ResultLogger,
        (o: RfsModuleOptions, hub: OperationHub) =>
          new ResultLogger(
            this.capture.logger,
            {
              serviceName: o.serviceName,
              environment: o.environment,
              logging: o.logging,
            },
            hub,
          ),
        [options, OperationHub],
      ],
      [
        ResultMetricsCollector,
        (o: RfsModuleOptions, hub: OperationHub) =>
          new ResultMetricsCollector(
            o,
            this.clock,
            hub,
            o.metrics === false ? undefined : this.registry,
          ),
        [options, OperationHub],
      ],
      [
        ResultAlertService,
        (
          o: RfsModuleOptions,
          collector: ResultMetricsCollector,
          moduleRef: ModuleRef,
        ) => this.alertService(o, collector, moduleRef),
        [options, ResultMetricsCollector, ModuleRef],
      ],
    ];
  }

  /** RfsModule's alert service, delivering to the recording notifier too and evaluated on the clock. */
  private alertService(
    o: RfsModuleOptions,
    collector: ResultMetricsCollector,
    moduleRef: ModuleRef,
  ): ResultAlertService {
    // The service looks up extra notifiers under RFS_ALERT_NOTIFIERS; add the recorder there.
    const withRecorder = {
      get: (token: unknown, opts?: { strict?: boolean }): unknown => {
        if (token !== RFS_ALERT_NOTIFIERS) {
          return moduleRef.get(token as symbol, {
            strict: opts?.strict ?? false,
          });
        }
        let users: unknown[] = [];
        try {
          const found: unknown = moduleRef.get(RFS_ALERT_NOTIFIERS, {
            strict: false,
          });
          users = Array.isArray(found) ? found : [found];
        } catch {
          // no notifiers of the application's own
        }
        return [...users, this.notifier];
      },
    } as unknown as ModuleRef;
    const service = createResultAlertService(
      o,
      this.clock,
      collector,
      withRecorder,
    );
    if (o.alerts !== false) {
      const intervalMs = requireAlertDuration(
        'alerts.evaluationInterval',
        o.alerts.evaluationInterval,
      );
      this.clock.every(intervalMs, (now) => service.evaluate(now));
    }
    return service;
  }
}
