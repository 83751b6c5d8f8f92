import { stringify } from 'yaml';
import { formatPromDuration, requireAlertDuration } from './alert-duration';
import { promComparison } from './alert-condition';
import type { AlertRule, ResolvedAlertRule } from './alert-rule';
import { validateAlertRules } from './alert-rule.validator';
import { toPrometheusTemplate } from './alert-template';
import { OperationGlob } from './operation-glob';

/** Options of {@link toPrometheusRules}. */
export interface PrometheusRulesOptions {
  /** Name of the rule group (default `'nestjs-rfs'`). */
  groupName?: string;
  /** Evaluation interval of the group (duration such as `'30s'`; default Prometheus' global one). */
  interval?: string;
  /** Metric name prefix of the exported series (`metrics.prefix`, default `'rfs_'`). */
  prefix?: string;
}

/** One alerting rule of a Prometheus rule file. */
export interface PrometheusAlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Prometheus rule group (`groups[]` entry of a rule file). */
export interface PrometheusRuleGroup {
  name: string;
  interval?: string;
  rules: PrometheusAlertingRule[];
}

const QUANTILES: Record<string, number> = {
  p50Ms: 0.5,
  p90Ms: 0.9,
  p95Ms: 0.95,
  p99Ms: 0.99,
};

function promString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function selector(name: string, matchers: string[]): string {
  return matchers.length === 0 ? name : `${name}{${matchers.join(', ')}}`;
}

/**
 * The PromQL of the rule's metric per `operation`, over the series the metrics collector
 * exports: counts and ratios from `increase()` of `rfs_operation_duration_seconds_count`
 * (`rfs_operations_total{error_code}` for an `errorCode` rule) and `rfs_flux_items_total`,
 * percentiles from `histogram_quantile()` over
 * `rfs_operation_duration_seconds` (converted to ms, like the in-process metric).
 */
export function toPromQLValue(
  rule: Pick<AlertRule, 'operation' | 'metric' | 'window' | 'errorCode'>,
  prefix = 'rfs_',
): string {
  const glob = new OperationGlob(rule.operation);
  const op = glob.matchesAll
    ? []
    : glob.isExact
      ? [`operation=${promString(rule.operation)}`]
      : [`operation=~${promString(glob.toPromRegex())}`];
  const w = rule.window;
  const ops = `${prefix}operations_total`;
  const dur = `${prefix}operation_duration_seconds`;
  const flux = `${prefix}flux_items_total`;
  // Counts come from the histogram's `_count`: its {operation, outcome} series are exported
  // at 0 before the first call, so increase() sees every call. Error-code series of
  // rfs_operations_total appear with their first value, which increase() cannot see.
  const count = `sum by (operation) (increase(${selector(`${dur}_count`, op)}[${w}]))`;
  const failed =
    rule.errorCode === undefined
      ? selector(`${dur}_count`, [...op, 'outcome=~"err|defect"'])
      : selector(ops, [...op, `error_code=${promString(rule.errorCode)}`]);
  // Zero when no failure series exists yet, like the in-process count.
  const errors = `(sum by (operation) (increase(${failed}[${w}])) or ${count} * 0)`;
  switch (rule.metric) {
    case 'count':
      return count;
    case 'errorCount':
      return errors;
    case 'errorRate':
      return `${errors} / ${count}`;
    case 'throughputPerSec':
      return `sum by (operation) (rate(${selector(`${dur}_count`, op)}[${w}]))`;
    case 'meanMs':
      return `sum by (operation) (rate(${selector(`${dur}_sum`, op)}[${w}])) / sum by (operation) (rate(${selector(`${dur}_count`, op)}[${w}])) * 1000`;
    case 'p50Ms':
    case 'p90Ms':
    case 'p95Ms':
    case 'p99Ms':
      return `histogram_quantile(${QUANTILES[rule.metric]}, sum by (operation, le) (rate(${selector(`${dur}_bucket`, op)}[${w}]))) * 1000`;
    case 'fluxSuccessRate':
      return `sum by (operation) (increase(${selector(flux, [...op, 'outcome="ok"'])}[${w}])) / sum by (operation) (increase(${selector(flux, op)}[${w}]))`;
  }
}

/** The full alert expression: value, comparison, and the `minSamples` guard. */
export function toPromQLExpr(rule: ResolvedAlertRule, prefix = 'rfs_'): string {
  const cond = `(${toPromQLValue(rule, prefix)}) ${promComparison(rule.condition)} ${String(rule.threshold)}`;
  if (rule.minSamples <= 0) return cond;
  const count = toPromQLValue(
    { ...rule, metric: 'count', errorCode: undefined },
    prefix,
  );
  return `${cond} and on (operation) (${count} >= ${rule.minSamples})`;
}

/** The rule group (as an object) expressing `rules` for Prometheus. Disabled rules are left out. */
export function toPrometheusRuleGroup(
  rules: readonly AlertRule[],
  options: PrometheusRulesOptions = {},
): PrometheusRuleGroup {
  const prefix = options.prefix ?? 'rfs_';
  const group: PrometheusRuleGroup = {
    name: options.groupName ?? 'nestjs-rfs',
    ...(options.interval !== undefined
      ? {
          interval: formatPromDuration(
            requireAlertDuration(
              'toPrometheusRules interval',
              options.interval,
            ),
          ),
        }
      : {}),
    rules: [],
  };
  for (const rule of validateAlertRules(rules)) {
    if (!rule.enabled) continue;
    const forMs = requireAlertDuration('for', rule.for);
    const annotations: Record<string, string> = {};
    for (const key of ['summary', 'description'] as const) {
      const t = rule.annotations[key];
      if (t)
        annotations[key] = toPrometheusTemplate(t, rule.threshold, rule.name);
    }
    group.rules.push({
      alert: rule.name,
      expr: toPromQLExpr(rule, prefix),
      ...(forMs > 0 ? { for: formatPromDuration(forMs) } : {}),
      labels: { ...rule.labels, severity: rule.severity },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    });
  }
  return group;
}

/**
 * Writes `rules` as a Prometheus rule file (YAML, one group) over the series nestjs-rfs
 * exports, so the same alerts can be evaluated fleet-wide by Prometheus and routed by
 * Alertmanager. Cooldown is a notification setting: use Alertmanager's `repeat_interval`.
 *
 * @example
 * fs.writeFileSync('rules.yml', toPrometheusRules(alerts.getRules(), { groupName: 'orders', interval: '30s' }));
 */
export function toPrometheusRules(
  rules: readonly AlertRule[],
  options: PrometheusRulesOptions = {},
): string {
  return stringify(
    { groups: [toPrometheusRuleGroup(rules, options)] },
    { lineWidth: 0 },
  );
}
