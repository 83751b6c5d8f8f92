import { AlertsOptions, checkAlertsOptions } from './alerts/alerts.options';
import {
  CorrelationOptions,
  checkCorrelationOptions,
} from './correlation/correlation.options';
import {
  DashboardOptions,
  checkDashboardOptions,
} from './dashboard/dashboard.options';
import {
  HttpOptions,
  checkHttpOptions,
  resolvePipeline,
} from './http/http.options';
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

type SectionCheck = (check: OptionsChecker, value: unknown) => void;

function section<T extends object>(
  factory: () => T,
  value: Partial<T> | false | undefined,
): T | false {
  if (value === false) return false;
  const out = factory();
  if (value) {
    // An explicit `undefined` (e.g. from an unset environment variable) keeps the default.
    for (const [key, v] of Object.entries(value)) {
      if (v !== undefined) (out as Record<string, unknown>)[key] = v;
    }
  }
  return out;
}

/** Section values other than an object, `false` or `undefined` get one clear sentence. */
function checkSectionShape(
  check: OptionsChecker,
  o: Record<string, unknown>,
): Set<string> {
  const bad = new Set<string>();
  for (const name of SECTIONS) {
    const v = o[name];
    if (
      v === undefined ||
      v === false ||
      (typeof v === 'object' && v !== null && !Array.isArray(v))
    )
      continue;
    check.fail(name, 'an options object or false (to switch it off)', v);
    bad.add(name);
  }
  return bad;
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
  const bad = checkSectionShape(check, o);
  const checks: Record<(typeof SECTIONS)[number], SectionCheck> = {
    correlation: checkCorrelationOptions,
    http: checkHttpOptions,
    logging: checkLoggingOptions,
    metrics: checkMetricsOptions,
    alerts: checkAlertsOptions,
    dashboard: checkDashboardOptions,
  };
  for (const name of SECTIONS) if (!bad.has(name)) checks[name](check, o[name]);
  if (check.problems.length > 0) throw new RfsOptionsError(check.problems);

  const u = o as RfsModuleOptionsInput;
  const defaults = new RfsModuleOptions();
  const correlation = section(() => new CorrelationOptions(), u.correlation);
  const http = section(() => new HttpOptions(), u.http);
  if (http !== false) http.pipeline = resolvePipeline(http, correlation);
  return {
    serviceName: u.serviceName ?? defaults.serviceName,
    environment: u.environment ?? defaults.environment,
    correlation,
    http,
    logging: section(() => new LoggingOptions(), u.logging),
    metrics: section(() => new MetricsOptions(), u.metrics),
    alerts: section(() => new AlertsOptions(), u.alerts),
    dashboard: section(() => new DashboardOptions(), u.dashboard),
  };
}
