/*
 * RfsModule — how features plug in (one line each, no other edit to this file):
 *
 *   1. Each feature folder exports its providers as an array from
 *      `lib/<feature>/<feature>.providers.ts`, e.g. `export const httpProviders: Provider[] = [...]`.
 *      Global interceptors/filters/guards go through `rfsGlobalEnhancer(APP_INTERCEPTOR, X, when?)`
 *      (X itself + `{ provide: APP_INTERCEPTOR, useExisting: X }`, or a factory yielding null when
 *      the option switch `when` is off), so tests can `.overrideProvider(X)`.
 *   2. Spread the array into RFS_PROVIDERS below at the marked line of the feature
 *      (controllers into RFS_CONTROLLERS). Every provider whose token is not a global-enhancer
 *      token is exported by the module automatically.
 *   3. Providers read resolved options with `@InjectRfsOptions()`; a section set to `false`
 *      means "off": the feature's providers must then do nothing (the module does not know
 *      sections at definition time when `forRootAsync` is used).
 */
import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
  type Provider,
  type Type,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { alertsProviders } from './alerts/alerts.providers';
import { CorrelationSetup } from './correlation/correlation-http-setup';
import { correlationProviders } from './correlation/correlation.providers';
import { httpProviders } from './http/http.providers';
import { ResultHandlerPipeline } from './http/result-handler.pipeline';
import { loggingProviders } from './logging/logging.providers';
import { RfsPinoHttpBinding } from './logging/rfs-pino-http-binding';
import { metricsProviders } from './metrics/metrics.providers';
import {
  dashboardControllers,
  dashboardProviders,
} from './dashboard/dashboard.providers';
import { OperationHub } from './operations/operation-hub';
import { GLOBAL_ENHANCER_TOKENS } from './rfs-global-enhancer';
import { getRfsOptionsToken, rfsOptionsProvider } from './rfs-options.provider';
import { systemClock } from './rfs.clock';
import { RFS_CLOCK } from './rfs.constants';
import {
  RfsConfigurableModuleClass,
  type RfsModuleForRootOptions,
} from './rfs.module-definition';
import type { RfsModuleOptions } from './rfs.options';

const RFS_PROVIDERS: Provider[] = [
  rfsOptionsProvider,
  { provide: RFS_CLOCK, useValue: systemClock },
  OperationHub,
  ...correlationProviders,
  ...httpProviders,
  ...loggingProviders,
  RfsPinoHttpBinding,
  ...metricsProviders,
  ...alertsProviders,
  ...dashboardProviders,
];

const RFS_CONTROLLERS: Type<unknown>[] = [
  ...dashboardControllers, // [dashboard]
];

function tokenOf(provider: Provider): unknown {
  return typeof provider === 'function' ? provider : provider.provide;
}

const RFS_EXPORTS = RFS_PROVIDERS.map(tokenOf).filter(
  (t) => !(typeof t === 'string' && GLOBAL_ENHANCER_TOKENS.includes(t)),
) as Array<string | symbol | Type<unknown>>;

/**
 * Fails startup when RfsModule was configured more than once in one application: two
 * `forRoot()` calls would apply the middleware and global interceptors twice per request.
 */
function assertConfiguredOnce(modules: ModulesContainer): void {
  const instances = [...modules.values()].filter(
    (m) => m.metatype === RfsModule,
  );
  if (instances.length <= 1) return;
  const importers = [...modules.values()]
    .filter((m) => instances.some((i) => m.imports.has(i)))
    .map((m) => m.metatype.name);
  throw new Error(
    `RfsModule is configured ${instances.length} times in this application` +
      (importers.length ? ` (imported by ${importers.join(', ')})` : '') +
      ': its middleware and global interceptors would run twice per request. ' +
      'Call RfsModule.forRoot() or forRootAsync() once, in the root module; it is global by ' +
      'default (isGlobal: true), so other modules see its providers without importing it.',
  );
}

/**
 * The one root of nestjs-rfs: correlation ids, the Result → HTTP boundary, Result logging,
 * metrics, dashboard and alerts, each configured by one options section (see the README
 * options table). Options are merged over the defaults of {@link RfsModuleOptions} and validated
 * at startup; a bad value stops the application with an error naming the option.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     LoggerModule.forRoot({ pinoHttp: rfsPinoHttp() }),
 *     RfsModule.forRoot({ serviceName: 'orders', correlation: { exclude: ['health'] } }),
 *   ],
 * })
 * export class AppModule {}
 *
 * // or, from configuration:
 * RfsModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ serviceName: config.get('SERVICE_NAME') }),
 * });
 * ```
 */
@Module({
  providers: RFS_PROVIDERS,
  controllers: RFS_CONTROLLERS,
  exports: RFS_EXPORTS,
})
export class RfsModule
  extends RfsConfigurableModuleClass
  implements NestModule, OnModuleInit, OnModuleDestroy
{
  constructor(
    @Inject(getRfsOptionsToken()) private readonly options: RfsModuleOptions,
    private readonly hub: OperationHub,
    modules: ModulesContainer,
    private readonly correlationSetup: CorrelationSetup,
    @Optional() private readonly handlerPipeline?: ResultHandlerPipeline,
  ) {
    super();
    assertConfiguredOnce(modules);
  }

  /**
   * Configures nestjs-rfs with `options` merged over the defaults (every option is optional).
   * @example RfsModule.forRoot({ serviceName: 'orders', metrics: false })
   */
  static override forRoot(
    options: RfsModuleForRootOptions = {},
  ): DynamicModule {
    return super.forRoot(options);
  }

  /**
   * Applies the correlation middleware to `correlation.forRoutes` minus `correlation.exclude`
   * (from the adapter's request hook when that covers every request, see CorrelationSetup),
   * and wraps the route handlers with `http.pipeline: 'handler'` (every controller exists now;
   * Nest registers the routes next).
   */
  configure(consumer: MiddlewareConsumer): void {
    this.handlerPipeline?.install();
    const c = this.options.correlation;
    if (c === false) return;
    this.correlationSetup.apply(consumer, c);
  }

  /** Makes this module's hub the one decorators outside DI emit to. */
  onModuleInit(): void {
    OperationHub.setCurrent(this.hub);
  }

  /** Clears the current hub if it is still this module's (a later app may have replaced it). */
  onModuleDestroy(): void {
    if (OperationHub.current() === this.hub) OperationHub.setCurrent(undefined);
  }
}
