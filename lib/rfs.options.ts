import { AlertsOptions, checkAlertsOptions } from './alerts/alerts.options';
import {
  CorrelationOptions,
  checkCorrelationOptions,
} from './correlation/correlation.options';
import {
  DashboardOptions,
  checkDashboardOptions,
} from './dashboard/dashboard.options';
import { HttpOptions, checkHttpOptions } from './http/http.options';
import { LoggingOptions, checkLoggingOptions } from './logging/logging.options';
import { MetricsOptions, checkMetricsOptions } from './metrics/metrics.options';
import { OptionsChecker, RfsOptionsError } from './rfs.options-errors';

/**
 * What users pass to `RfsModule.forRoot()`. Every section is optional, takes a partial object
 * merged over the defaults of its class, or `false` to switch the capability off.
 */
export interface RfsModuleOptionsInput {
  /** Service name on log lines, metrics and alerts (default `process.env.npm_package_name` or `'app'`). */
  serviceName?: string;
  /** Deployment environment; `production` hides 5xx details and turns the dashboard off by default. */
  environment?: string;
  correlation?: Partial<CorrelationOptions> | false;
  http?: Partial<HttpOptions> | false;
  logging?: Partial<LoggingOptions> | false;
  metrics?: Partial<MetricsOptions> | false;
  alerts?: Partial<AlertsOptions> | false;
  dashboard?: Partial<DashboardOptions> | false;
}

/** Resolved options: defaults merged, sections either a full options object or `false`. */
export class RfsModuleOptions {
  serviceName: string = process.env.npm_package_name || 'app';
  environment: string = process.env.NODE_ENV || 'development';
  correlation: CorrelationOptions | false = new CorrelationOptions();
  http: HttpOptions | false = new HttpOptions();
  logging: LoggingOptions | false = new LoggingOptions();
  metrics: MetricsOptions | false = new MetricsOptions();
  alerts: AlertsOptions | false = new AlertsOptions();
  dashboard: DashboardOptions | false = new DashboardOptions();
}

const SECTIONS = [
  'correlation',
  'http',
  'logging',
  'metrics',
  'alerts',
  'dashboard',
] as const;

function section<T extends object>(
  factory: () => T,
  value: Partial<T> | false | undefined,
): T | false {
  if (value === false) return false;
  return { ...factory(), ...(value ?? {}) };
}

/**
 * Validates user options and merges them over the defaults. Throws {@link RfsOptionsError}
 * listing every problem (path, what is accepted, what was given).
 */
export function resolveRfsOptions(input: unknown = {}): RfsModuleOptions {
  const check = new OptionsChecker();
  if (input === undefined || input === null) input = {};
  if (!check.object('options', input))
    throw new RfsOptionsError(check.problems);
  const o = input as Record<string, unknown>;
  check.knownKeys('', o, ['serviceName', 'environment', ...SECTIONS]);
  check.string('serviceName', o.serviceName);
  check.string('environment', o.environment);
  checkCorrelationOptions(check, o.correlation);
  checkHttpOptions(check, o.http);
  checkLoggingOptions(check, o.logging);
  checkMetricsOptions(check, o.metrics);
  checkAlertsOptions(check, o.alerts);
  checkDashboardOptions(check, o.dashboard);
  if (check.problems.length > 0) throw new RfsOptionsError(check.problems);

  const u = o as RfsModuleOptionsInput;
  const defaults = new RfsModuleOptions();
  return {
    serviceName: u.serviceName ?? defaults.serviceName,
    environment: u.environment ?? defaults.environment,
    correlation: section(() => new CorrelationOptions(), u.correlation),
    http: section(() => new HttpOptions(), u.http),
    logging: section(() => new LoggingOptions(), u.logging),
    metrics: section(() => new MetricsOptions(), u.metrics),
    alerts: section(() => new AlertsOptions(), u.alerts),
    dashboard: section(() => new DashboardOptions(), u.dashboard),
  };
}
