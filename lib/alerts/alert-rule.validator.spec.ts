import {
  AlertCondition,
  type AlertRule,
  AlertRuleError,
  OperationGlob,
  RfsOptionsError,
  formatAlertValue,
  renderAlertTemplate,
  resolveRfsOptions,
  toPrometheusTemplate,
  validateAlertRule,
  validateAlertRules,
} from 'nestjs-rfs';

const good: AlertRule = {
  name: 'r1',
  operation: '*',
  metric: 'errorRate',
  condition: AlertCondition.GREATER_THAN,
  threshold: 0.1,
  window: '5m',
  severity: 'warning',
};

function problems(rule: unknown): string {
  try {
    validateAlertRule(rule);
  } catch (e) {
    expect(e).toBeInstanceOf(AlertRuleError);
    return (e as Error).message;
  }
  throw new Error('expected the rule to be rejected');
}

describe('validateAlertRule', () => {
  it('applies defaults', () => {
    expect(validateAlertRule(good)).toEqual({
      ...good,
      for: '0s',
      minSamples: 10,
      cooldown: '15m',
      labels: {},
      annotations: {},
      enabled: true,
    });
  });

  it.each<
    [string, Partial<Record<keyof AlertRule | 'extra', unknown>>, RegExp]
  >([
    [
      'metric',
      { metric: 'latency' },
      /metric must be one of 'errorRate', .*'fluxSuccessRate', got "latency"/,
    ],
    [
      'condition',
      { condition: '>' },
      /condition must be an AlertCondition \('GREATER_THAN'.*got ">"/,
    ],
    [
      'window',
      { window: '10m' },
      /window must be one of '1m', '5m', '15m', '1h', got "10m"/,
    ],
    ['for', { for: '1 minute' }, /for must be a duration such as '30s'/],
    ['cooldown', { cooldown: 5 }, /cooldown must be a duration .* got 5/],
    [
      'threshold',
      { threshold: Number.NaN },
      /threshold must be a finite number, got NaN/,
    ],
    [
      'minSamples',
      { minSamples: -1 },
      /minSamples must be an integer ≥ 0, got -1/,
    ],
    [
      'severity',
      { severity: 'page' },
      /severity must be one of 'info', 'warning', 'critical'/,
    ],
    [
      'operation',
      { operation: '' },
      /operation must be '\*', an operation name or a glob/,
    ],
    [
      'errorCode',
      { metric: 'p95Ms', errorCode: 'X' },
      /errorCode only applies to metric 'errorRate' or 'errorCount'/,
    ],
    [
      'labels',
      { labels: { severity: 'x' } },
      /labels.severity is set by nestjs-rfs itself/,
    ],
    [
      'annotations',
      { annotations: { summary: '{{ops}}' } },
      /annotations.summary uses unknown placeholder\(s\) ops; accepted: \{\{operation\}\}/,
    ],
    ['unknown field', { extra: 1 }, /extra is not a rule field/],
  ])('rejects a bad %s naming the rule and the field', (_f, patch, msg) => {
    const text = problems({ ...good, ...patch });
    expect(text).toMatch(/^Invalid alert rule 'r1'/);
    expect(text).toMatch(msg);
  });

  it('names the rule by position when it has no valid name', () => {
    expect(() => validateAlertRules([good, { ...good, name: 1 }])).toThrow(
      /Invalid alert rule #1 \(alerts.rules\[1\]\): name must be a Prometheus alert name/,
    );
    expect(() => validateAlertRules([good, good])).toThrow(
      /name must be unique/,
    );
  });

  it('names the rule when only its name is malformed', () => {
    expect(() => validateAlertRules([{ ...good, name: 'bad name' }])).toThrow(
      /Invalid alert rule 'bad name' \(alerts.rules\[0\]\): name must be/,
    );
  });

  it('reports bad rules through RfsModule options validation', () => {
    expect(() =>
      resolveRfsOptions({ alerts: { rules: [{ ...good, window: '2h' }] } }),
    ).toThrow(RfsOptionsError);
    expect(() =>
      resolveRfsOptions({ alerts: { evaluationInterval: 'often' } }),
    ).toThrow(/alerts.evaluationInterval must be a positive duration/);
  });
});

describe('OperationGlob', () => {
  it.each([
    ['*', 'anything.at.all', true],
    ['orders.create', 'orders.create', true],
    ['orders.create', 'orders.createX', false],
    ['orders.*', 'orders.create', true],
    ['orders.*', 'orders.items.add', true],
    ['orders.*', 'ordersXcreate', false],
    ['*.create', 'users.create', true],
    ['a+b.*', 'a+b.c', true],
    ['a+b.*', 'aab.c', false],
  ])('%s matches %s: %s', (pattern, op, expected) => {
    expect(new OperationGlob(pattern).matches(op)).toBe(expected);
  });

  it('translates globs to anchored-safe RE2 sources', () => {
    expect(new OperationGlob('orders.*').toPromRegex()).toBe('orders\\..*');
  });
});

describe('alert templates', () => {
  it.each([
    [0, '0'],
    [0.1, '0.1'],
    [0.123456, '0.1235'],
    [1000, '1000'],
    [2425.0000001, '2425'],
    [12345, '1.234e+04'],
    [12355, '1.236e+04'],
    [99995, '1e+05'],
    [100.25, '100.2'],
    [1.2345, '1.234'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234e-05'],
    [-0.5, '-0.5'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NaN, 'NaN'],
  ])('formats %p like Go printf "%%.4g" → %s', (v, s) => {
    expect(formatAlertValue(v)).toBe(s);
  });

  it('renders in-process and rewrites for Prometheus', () => {
    const t = '{{ rule }}: {{operation}} at {{value}} (limit {{threshold}})';
    expect(
      renderAlertTemplate(t, {
        rule: 'r',
        operation: 'op',
        value: 0.25,
        threshold: 0.05,
      }),
    ).toBe('r: op at 0.25 (limit 0.05)');
    expect(toPrometheusTemplate(t, 0.05, 'r')).toBe(
      'r: {{ $labels.operation }} at {{ printf "%.4g" $value }} (limit 0.05)',
    );
  });
});
