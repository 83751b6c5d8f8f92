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
  const sign = value < 0 ? '-' : '';
  const { digits, exp } = roundSignificant(Math.abs(value), 4);
  if (exp < -4 || exp >= 4) {
    const m = stripZeros(`${digits[0]}.${digits.slice(1)}`);
    const abs = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (exp < 0)
    return `${sign}${stripZeros(`0.${'0'.repeat(-exp - 1)}${digits}`)}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${frac ? stripZeros(`${int}.${frac}`) : int}`;
}

/**
 * The first `n` significant digits of `abs` (> 0), rounded half-to-even on its exact decimal
 * expansion as Go's strconv does, and the decimal exponent of the first digit.
 */
function roundSignificant(
  abs: number,
  n: number,
): { digits: string; exp: number } {
  if (abs >= 1e21 || abs < 1e-30) {
    const [m, e] = abs.toExponential(n - 1).split('e');
    return { digits: m.replace('.', ''), exp: Number(e) };
  }
  // toFixed(100) is the exact expansion of every double in this range (≤ 100 binary fraction
  // digits), so ties are detected exactly.
  const s = abs.toFixed(100);
  const dot = s.indexOf('.');
  const raw = s.slice(0, dot) + s.slice(dot + 1);
  let lead = 0;
  while (raw[lead] === '0') lead++;
  let exp = dot - lead - 1;
  const all = raw.slice(lead);
  const keep = all.slice(0, n).padEnd(n, '0').split('').map(Number);
  const next = all[n] ?? '0';
  const tail = all.slice(n + 1);
  const up =
    next > '5' ||
    (next === '5' && (/[1-9]/.test(tail) || keep[n - 1] % 2 === 1));
  if (up) {
    let i = n - 1;
    while (i >= 0 && keep[i] === 9) keep[i--] = 0;
    if (i < 0) {
      keep.unshift(1);
      keep.pop();
      exp++;
    } else keep[i]++;
  }
  return { digits: keep.join(''), exp };
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
  rule: string,
): string {
  return template.replace(PLACEHOLDER, (all, name: string) => {
    switch (name) {
      case 'operation':
        return '{{ $labels.operation }}';
      case 'rule':
        // `$labels` of an alert template holds the expression's labels only, no alertname.
        return rule;
      case 'value':
        return '{{ printf "%.4g" $value }}';
      case 'threshold':
        return formatAlertValue(threshold);
      default:
        return all;
    }
  });
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
