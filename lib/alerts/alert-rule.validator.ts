import { describeValue } from '../rfs.options-errors';
import { parseAlertDuration } from './alert-duration';
import {
  ALERT_TEMPLATE_PLACEHOLDERS,
  unknownPlaceholders,
} from './alert-template';
import {
  ALERT_METRICS,
  ALERT_SEVERITIES,
  AlertCondition,
  type AlertRule,
  DEFAULT_COOLDOWN,
  DEFAULT_MIN_SAMPLES,
  METRIC_WINDOWS,
  type ResolvedAlertRule,
} from './alert-rule';

const RULE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the alert pipeline sets itself; a rule cannot override them. */
const RESERVED_LABELS = ['alertname', 'operation', 'severity'];
/** Every field of an {@link AlertRule}, in documentation order. */
export const ALERT_RULE_FIELDS: readonly (keyof AlertRule)[] = [
  'name',
  'operation',
  'metric',
  'condition',
  'threshold',
  'window',
  'for',
  'minSamples',
  'cooldown',
  'severity',
  'errorCode',
  'labels',
  'annotations',
  'enabled',
];
const ERROR_METRICS = ['errorRate', 'errorCount'];

/** Thrown for an invalid alert rule; `problems` has one sentence per bad field. */
export class AlertRuleError extends Error {
  constructor(
    /** Rule name, or its position when the name itself is missing. */
    readonly rule: string,
    /** One sentence per problem, each naming the field and what is accepted. */
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid alert rule ${rule}: ${problems.join('; ')}. See the "alerts" section of the nestjs-rfs README.`,
    );
    this.name = 'AlertRuleError';
  }
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

/**
 * Validates one rule and returns it with defaults applied. Throws {@link AlertRuleError}
 * naming the rule and every bad field with what is accepted.
 *
 * @example validateAlertRule({ name: 'x', operation: '*', metric: 'p95Ms', ... })
 */
export function validateAlertRule(
  input: unknown,
  position?: number,
): ResolvedAlertRule {
  const where = position === undefined ? '' : ` (alerts.rules[${position}])`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AlertRuleError(`#${position ?? 0}${where}`, [
      `the rule must be an object, got ${describeValue(input)}`,
    ]);
  }
  const r = input as Record<string, unknown>;
  const label =
    typeof r.name === 'string' && r.name.length > 0
      ? `'${r.name}'${where}`
      : `#${position ?? 0}${where}`;
  const problems: string[] = [];
  const fail = (field: string, accepted: string, value: unknown): void => {
    problems.push(`${field} must be ${accepted}, got ${describeValue(value)}`);
  };

  for (const key of Object.keys(r)) {
    if (!(ALERT_RULE_FIELDS as readonly string[]).includes(key))
      problems.push(
        `${key} is not a rule field; accepted: ${ALERT_RULE_FIELDS.join(', ')}`,
      );
  }
  if (typeof r.name !== 'string' || !RULE_NAME.test(r.name))
    fail('name', 'a Prometheus alert name ([a-zA-Z_][a-zA-Z0-9_]*)', r.name);
  if (
    typeof r.operation !== 'string' ||
    r.operation.length === 0 ||
    /["\\\n]/.test(r.operation)
  )
    fail(
      'operation',
      "'*', an operation name or a glob such as 'orders.*' (no quotes, backslashes or newlines)",
      r.operation,
    );
  if (!(ALERT_METRICS as readonly unknown[]).includes(r.metric))
    fail('metric', `one of ${list(ALERT_METRICS)}`, r.metric);
  const conditions = Object.values(AlertCondition) as string[];
  if (!conditions.includes(r.condition as string))
    fail('condition', `an AlertCondition (${list(conditions)})`, r.condition);
  if (typeof r.threshold !== 'number' || !Number.isFinite(r.threshold))
    fail('threshold', 'a finite number', r.threshold);
  if (!(METRIC_WINDOWS as readonly unknown[]).includes(r.window))
    fail('window', `one of ${list(METRIC_WINDOWS)}`, r.window);
  for (const field of ['for', 'cooldown'] as const) {
    const v = r[field];
    if (
      v !== undefined &&
      (typeof v !== 'string' || parseAlertDuration(v) === undefined)
    )
      fail(
        field,
        "a duration such as '30s', '1m' or '1h' (integer + ms|s|m|h|d)",
        v,
      );
  }
  if (
    r.minSamples !== undefined &&
    (typeof r.minSamples !== 'number' ||
      !Number.isInteger(r.minSamples) ||
      r.minSamples < 0)
  )
    fail('minSamples', 'an integer ≥ 0', r.minSamples);
  if (!(ALERT_SEVERITIES as readonly unknown[]).includes(r.severity))
    fail('severity', `one of ${list(ALERT_SEVERITIES)}`, r.severity);
  if (r.errorCode !== undefined) {
    if (typeof r.errorCode !== 'string' || r.errorCode.length === 0)
      fail('errorCode', 'a non-empty string', r.errorCode);
    else if (!ERROR_METRICS.includes(r.metric as string))
      problems.push(
        `errorCode only applies to metric 'errorRate' or 'errorCount', not ${describeValue(r.metric)}`,
      );
  }
  if (r.labels !== undefined) {
    if (
      typeof r.labels !== 'object' ||
      r.labels === null ||
      Array.isArray(r.labels)
    ) {
      fail('labels', 'an object of string labels', r.labels);
    } else {
      for (const [k, v] of Object.entries(r.labels)) {
        if (!LABEL_NAME.test(k) || k.startsWith('__'))
          fail(`labels`, 'keys matching [a-zA-Z_][a-zA-Z0-9_]*', k);
        else if (RESERVED_LABELS.includes(k))
          problems.push(
            `labels.${k} is set by nestjs-rfs itself; reserved: ${RESERVED_LABELS.join(', ')}`,
          );
        if (typeof v !== 'string') fail(`labels.${k}`, 'a string', v);
      }
    }
  }
  if (r.annotations !== undefined) {
    if (
      typeof r.annotations !== 'object' ||
      r.annotations === null ||
      Array.isArray(r.annotations)
    ) {
      fail(
        'annotations',
        'an object { summary?, description? }',
        r.annotations,
      );
    } else {
      for (const [k, v] of Object.entries(r.annotations)) {
        if (k !== 'summary' && k !== 'description')
          problems.push(
            `annotations.${k} is not supported; accepted: summary, description`,
          );
        else if (typeof v !== 'string') fail(`annotations.${k}`, 'a string', v);
        else if (unknownPlaceholders(v).length > 0)
          problems.push(
            `annotations.${k} uses unknown placeholder(s) ${unknownPlaceholders(v).join(', ')}; accepted: ${ALERT_TEMPLATE_PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')}`,
          );
      }
    }
  }
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean')
    fail('enabled', 'true or false', r.enabled);

  if (problems.length > 0) throw new AlertRuleError(label, problems);
  const rule = r as unknown as AlertRule;
  return {
    ...rule,
    for: rule.for ?? '0s',
    minSamples: rule.minSamples ?? DEFAULT_MIN_SAMPLES,
    cooldown: rule.cooldown ?? DEFAULT_COOLDOWN,
    labels: { ...(rule.labels ?? {}) },
    annotations: { ...(rule.annotations ?? {}) },
    enabled: rule.enabled ?? true,
  };
}

/** Validates a list of rules (positions in messages) and rejects duplicate names. */
export function validateAlertRules(
  rules: readonly unknown[],
): ResolvedAlertRule[] {
  const out = rules.map((r, i) => validateAlertRule(r, i));
  const seen = new Set<string>();
  for (const [i, r] of out.entries()) {
    if (seen.has(r.name))
      throw new AlertRuleError(`'${r.name}' (alerts.rules[${i}])`, [
        'name must be unique; another rule (or a default rule) already uses it',
      ]);
    seen.add(r.name);
  }
  return out;
}
