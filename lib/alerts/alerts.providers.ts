import { Inject, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { getRfsOptionsToken } from '../rfs-options.provider';
import type { RfsClock } from '../rfs.clock';
import { RFS_ALERT_NOTIFIERS, RFS_CLOCK } from '../rfs.constants';
import type { RfsModuleOptions } from '../rfs.options';
import type { AlertNotifier } from './notifiers/alert-notifier';
import { ResultAlertService } from './result-alert.service';

/**
 * Returns the token under which an application may provide extra notifiers
 * (`AlertNotifier[]`), e.g. ones that need dependency injection. They are added to
 * `alerts.notifiers`.
 *
 * @example
 * providers: [{ provide: getRfsAlertNotifiersToken(), useFactory: (http) => [new MyNotifier(http)], inject: [HttpService] }]
 */
export function getRfsAlertNotifiersToken(): symbol {
  return RFS_ALERT_NOTIFIERS;
}

/**
 * Injects the notifiers provided under {@link getRfsAlertNotifiersToken}.
 * @example constructor(@InjectRfsAlertNotifiers() notifiers: AlertNotifier[]) {}
 */
export const InjectRfsAlertNotifiers = (): PropertyDecorator &
  ParameterDecorator => Inject(RFS_ALERT_NOTIFIERS);

function lookupNotifiers(moduleRef: ModuleRef): AlertNotifier[] {
  let found: unknown;
  try {
    found = moduleRef.get(RFS_ALERT_NOTIFIERS, { strict: false });
  } catch {
    return [];
  }
  const list = Array.isArray(found) ? found : [found];
  return list.filter(
    (n): n is AlertNotifier =>
      typeof n === 'object' &&
      n !== null &&
      typeof (n as AlertNotifier).notify === 'function',
  );
}

/** Builds the {@link ResultAlertService} from the resolved options (RfsModule's factory). */
export function createResultAlertService(
  options: RfsModuleOptions,
  clock: RfsClock,
  collector: ResultMetricsCollector | undefined,
  moduleRef: ModuleRef | undefined,
): ResultAlertService {
  if (options.alerts === false)
    return new ResultAlertService({
      options: { defaultRules: false },
      disabled: true,
      clock,
    });
  return new ResultAlertService({
    options: options.alerts,
    serviceName: options.serviceName,
    source: options.metrics === false ? undefined : collector,
    clock,
    registry: collector?.registry,
    metricsPrefix: options.metrics === false ? 'rfs_' : options.metrics.prefix,
    notifiers: () => (moduleRef ? lookupNotifiers(moduleRef) : []),
  });
}

/**
 * Providers of the alerts feature for RfsModule: {@link ResultAlertService}, evaluating the
 * `alerts` rules over the {@link ResultMetricsCollector} and delivering to the notifiers of
 * `alerts.notifiers` plus those under the `RFS_ALERT_NOTIFIERS` token.
 */
export const alertsProviders: Provider[] = [
  {
    provide: ResultAlertService,
    useFactory: createResultAlertService,
    inject: [
      getRfsOptionsToken(),
      RFS_CLOCK,
      { token: ResultMetricsCollector, optional: true },
      ModuleRef,
    ],
  },
];
