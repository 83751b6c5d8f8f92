import type {
  DynamicModule,
  ForwardReference,
  INestApplication,
  Provider,
  Type,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { TestingModule } from '@nestjs/testing';
import { ResultAlertService } from '../alerts/result-alert.service';
import type { AlertEvent } from '../alerts/alert-event';
import { CorrelationContext } from '../correlation/correlation-context';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { RecordingAlertNotifier } from './recording-alert.notifier';
import { ResultServiceMocker } from './result-service.mocker';
import { RfsLogCapture } from './rfs-log.capture';
import { RfsTestClock } from './rfs-test.clock';
import {
  RfsTestingModule,
  type RfsTestingModuleOptions,
} from './rfs-testing.module';
import { RfsTestDoubles } from './rfs-test-doubles';

/** A provider override: a {@link ResultServiceMocker}, a mock from `mockResultService`, or `{ provide, useValue }`. */
export type TestMock =
  | ResultServiceMocker<object, string>
  | object
  | { provide: unknown; useValue: unknown };

/** Options of {@link resultTestContext}. */
export interface ResultTestContextOptions {
  /** Providers under test. */
  providers?: Provider[];
  /** Overrides (each replaces the provider of its class or token). */
  mocks?: TestMock[];
  /** Modules to import (an application module that imports RfsModule: set `rfsModule: 'imported'`). */
  imports?: Array<Type<unknown> | DynamicModule | ForwardReference>;
  /**
   * `'testing'` (default): add {@link RfsTestingModule.forRoot}(options). `'imported'`: the
   * `imports` already configure RfsModule (e.g. your AppModule); its providers are overridden
   * with the same test doubles.
   */
  rfsModule?: 'testing' | 'imported';
  /**
   * Serve the module over HTTP: `true` (Express) or an adapter (`new FastifyAdapter()`); the
   * app listens on 127.0.0.1, a free port, and `ctx.url` is its base URL. The app is
   * initialised instead of the bare module (lifecycle hooks run once).
   */
  http?: true | AbstractHttpAdapter;
  /**
   * With `http`: configures the application before it listens, as your `main.ts` does
   * (`setGlobalPrefix`, `enableVersioning`, `useWebSocketAdapter`, global pipes, …).
   *
   * @example
   * ```ts
   * await resultTestContext({
   *   imports: [AppModule],
   *   rfsModule: 'imported',
   *   http: true,
   *   configureApp: (app) => app.setGlobalPrefix('api'),
   * });
   * ```
   */
  configureApp?: (app: INestApplication) => void | Promise<void>;
  /** Controllers under test. */
  controllers?: Type<unknown>[];
  /** Options of {@link RfsTestingModule.forRoot}. */
  options?: RfsTestingModuleOptions;
}

/** Fields an alert event must have to be listed. */
export type AlertEventFilter = Parameters<RecordingAlertNotifier['events']>[0];

/** The alert side of a {@link ResultTestContext}. */
export interface TestAlerts {
  /** The alert service. */
  readonly service: ResultAlertService;
  /** The notifier that records deliveries. */
  readonly notifier: RecordingAlertNotifier;
  /**
   * Every event the alert service emitted (firing, re-notified, resolved), oldest first,
   * optionally filtered — synchronous: right after `clock.advance(ms)` it is complete.
   */
  events(filter?: AlertEventFilter): AlertEvent[];
  /** Events the recording notifier received so far; `await flush()` first to get them all. */
  delivered(filter?: AlertEventFilter): AlertEvent[];
  /** Waits until every emitted event is delivered to the notifiers (microtasks only, no timers). */
  flush(): Promise<void>;
  /** Runs one evaluation at the clock's time now and returns its events. */
  evaluate(): AlertEvent[];
}

/** What {@link resultTestContext} returns. */
export interface ResultTestContext {
  /** The compiled and initialised testing module (`module.get(...)`). */
  readonly module: TestingModule;
  /** The listening Nest application, with the `http` option. */
  readonly app?: INestApplication;
  /** Base URL of {@link ResultTestContext.app} (`http://127.0.0.1:<port>`), with the `http` option. */
  readonly url?: string;
  /** In-memory Result log lines. */
  readonly capture: RfsLogCapture;
  /** The metrics collector (its registry is this context's own). */
  readonly metrics: ResultMetricsCollector;
  /** Alert service, recording notifier and shortcuts. */
  readonly alerts: TestAlerts;
  /** The clock of metric windows and alert evaluation. */
  readonly clock: RfsTestClock;
  /** Runs `fn` inside a correlation context with the next deterministic id (`test-cid-N`). */
  withCorrelation<T>(fn: (correlationId: string) => T): T;
  /** Closes the app or testing module (lifecycle hooks run, alerts flush). */
  close(): Promise<void>;
}

/**
 * Builds, compiles and initialises a testing module with {@link RfsTestingModule} and the given
 * providers and overrides, and returns the test doubles to assert on.
 *
 * @example
 * ```ts
 * const ctx = await resultTestContext({
 *   providers: [CheckoutService],
 *   mocks: [new ResultServiceMocker(PaymentsService).returnsErr('charge', declined)],
 * });
 * await ctx.withCorrelation(() => ctx.module.get(CheckoutService).checkout(cart));
 * expect(ctx.capture).toHaveLogged({ operation: 'CheckoutService.checkout', outcome: 'err' });
 * await ctx.close();
 * ```
 */
export async function resultTestContext(
  options: ResultTestContextOptions = {},
): Promise<ResultTestContext> {
  const imported = options.rfsModule === 'imported';
  if (options.configureApp !== undefined && !options.http) {
    throw new TypeError(
      'resultTestContext: `configureApp` configures the HTTP application; set `http: true` (or an adapter) to serve the module.',
    );
  }
  if (imported && options.options !== undefined) {
    throw new TypeError(
      "resultTestContext: `options` configure the testing RfsModule; with rfsModule: 'imported' your own RfsModule.forRoot(...) holds the options.",
    );
  }
  const doubles = imported ? new RfsTestDoubles() : undefined;
  let builder = loadNestTesting().Test.createTestingModule({
    imports: [
      ...(imported ? [] : [RfsTestingModule.forRoot(options.options)]),
      ...(options.imports ?? []),
    ],
    providers: options.providers ?? [],
    controllers: options.controllers ?? [],
  });
  if (doubles) builder = doubles.applyTo(builder);
  for (const mock of options.mocks ?? []) {
    const [token, value] = overrideOf(mock);
    builder = builder.overrideProvider(token).useValue(value);
  }
  const module = await builder.compile();
  let app: INestApplication | undefined;
  let url: string | undefined;
  if (options.http) {
    app =
      options.http === true
        ? module.createNestApplication({ logger: false })
        : module.createNestApplication(options.http, { logger: false });
    await options.configureApp?.(app);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    url = `http://127.0.0.1:${address.port}`;
  } else {
    await module.init();
  }
  const d: RfsTestDoubles =
    doubles ?? module.get(RfsTestDoubles, { strict: false });
  const service = module.get(ResultAlertService, { strict: false });
  const { notifier, clock, ids } = d;
  return {
    module,
    app,
    url,
    capture: d.capture,
    metrics: module.get(ResultMetricsCollector, { strict: false }),
    clock,
    alerts: {
      service,
      notifier,
      events: (filter = {}) =>
        service
          .getHistory(Number.MAX_SAFE_INTEGER)
          .reverse()
          .filter((e) => matchesAlert(e, filter)),
      delivered: (filter) => notifier.events(filter),
      flush: () => flushAlerts(service),
      evaluate: () => service.evaluate(clock.now()),
    },
    withCorrelation: (fn) => {
      const id = ids.next();
      return CorrelationContext.run(id, () => fn(id));
    },
    close: () => (app ? app.close() : module.close()),
  };
}

function overrideOf(mock: TestMock): [unknown, unknown] {
  if (mock instanceof ResultServiceMocker) return [mock.token, mock.instance];
  if (
    typeof mock === 'object' &&
    mock !== null &&
    'provide' in mock &&
    'useValue' in mock
  ) {
    return [mock.provide, mock.useValue];
  }
  let mocker: ResultServiceMocker<object>;
  try {
    mocker = ResultServiceMocker.of(mock);
  } catch {
    throw new TypeError(
      'resultTestContext: each of `mocks` must be a ResultServiceMocker, a mock made by mockResultService(), or { provide, useValue }.',
    );
  }
  return [mocker.token, mocker.instance];
}

function matchesAlert(e: AlertEvent, filter: AlertEventFilter = {}): boolean {
  return (
    (filter.rule === undefined || e.rule === filter.rule) &&
    (filter.operation === undefined || e.operation === filter.operation) &&
    (filter.status === undefined || e.status === filter.status) &&
    (filter.severity === undefined || e.severity === filter.severity)
  );
}

async function flushAlerts(service: ResultAlertService): Promise<void> {
  // The dispatcher hands batches over one promise at a time; a recording notifier resolves at
  // once, so a bounded number of microtask turns drains every queue.
  for (let i = 0; i < 10_000; i++) {
    const pending = Object.values(service.getPendingNotifications());
    if (pending.every((n) => n === 0)) return;
    await Promise.resolve();
  }
}

function loadNestTesting(): typeof import('@nestjs/testing') {
  try {
    // @nestjs/testing is needed only here: importing the kit must not require it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/testing') as typeof import('@nestjs/testing');
  } catch {
    throw new Error(
      'resultTestContext needs @nestjs/testing: npm install -D @nestjs/testing',
    );
  }
}
