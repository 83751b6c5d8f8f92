/** Placeholders accepted in rule annotations. */
export const ALERT_TEMPLATE_PLACEHOLDERS = [
  'operation',
  'value',
  'threshold',
  'rule',
] as const;

const PLACEHOLDER = /\{\{\s*([a-zA-Z_]+)\s*\}\}/g;

/** Values substituted into annotation templates. */
export interface AlertTemplateValues {
  operation: string;
  value: number;
  threshold: number;
  rule: string;
}

/**
 * Formats a metric value like Go's `printf "%.4g"` (4 significant digits, trailing zeros
 * dropped, `1.234e+04` beyond), so in-process annotations and Prometheus-rendered ones read
 * the same.
 *
 * @example formatAlertValue(0.123456) // '0.1235'
 */
export function formatAlertValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  const [mantissa, exp] = value.toExponential(3).split('e');
  const x = Number(exp);
  if (x < -4 || x >= 4) {
    const m = stripZeros(mantissa);
    const abs = Math.abs(x);
    return `${m}e${x < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(value.toFixed(Math.max(3 - x, 0)));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Placeholder names used in `template` that are not accepted. */
export function unknownPlaceholders(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!(ALERT_TEMPLATE_PLACEHOLDERS as readonly string[]).includes(m[1]))
      out.push(m[1]);
  }
  const stray = template.replace(PLACEHOLDER, '');
  if (stray.includes('{{') || stray.includes('}}')) out.push('{{…}}');
  return out;
}

/** Renders `{{operation}}`, `{{value}}`, `{{threshold}}` and `{{rule}}` in-process. */
export function renderAlertTemplate(
  template: string,
  values: AlertTemplateValues,
): string {
  return template.replace(PLACEHOLDER, (all, name: string) => {
    switch (name) {
      case 'operation':
        return values.operation;
      case 'rule':
        return values.rule;
      case 'value':
        return formatAlertValue(values.value);
      case 'threshold':
        return formatAlertValue(values.threshold);
      default:
        return all;
    }
  });
}

/** Rewrites a template as a Prometheus (Go) alert template rendering the same text. */
export function toPrometheusTemplate(
  template: string,
  threshold: number,
): string {
  return template.replace(PLACEHOLDER, (all, name: string) => {
    switch (name) {
      case 'operation':
        return '{{ $labels.operation }}';
      case 'rule':
        return '{{ $labels.alertname }}';
      case 'value':
        return '{{ printf "%.4g" $value }}';
      case 'threshold':
        return formatAlertValue(threshold);
      default:
        return all;
    }
  });
}
