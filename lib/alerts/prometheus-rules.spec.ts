import { parse } from 'yaml';
import {
  AlertCondition,
  type AlertRule,
  toPrometheusRuleGroup,
  toPrometheusRules,
  toPromQLValue,
} from 'nestjs-rfs';

const base: AlertRule = {
  name: 'r',
  operation: 'orders.create',
  metric: 'errorRate',
  condition: AlertCondition.GREATER_THAN,
  threshold: 0.05,
  window: '5m',
  severity: 'warning',
};

describe('toPromQLValue', () => {
  it.each<[Partial<AlertRule>, string]>([
    [
      { metric: 'count', operation: '*' },
      'sum by (operation) (increase(rfs_operation_duration_seconds_count[5m]))',
    ],
    [
      { metric: 'throughputPerSec', window: '1m' },
      'sum by (operation) (rate(rfs_operation_duration_seconds_count{operation="orders.create"}[1m]))',
    ],
    [
      { metric: 'errorCount', operation: 'orders.*' },
      '(sum by (operation) (increase(rfs_operation_duration_seconds_count{operation=~"orders\\\\..*", outcome=~"err|defect"}[5m])) or sum by (operation) (increase(rfs_operation_duration_seconds_count{operation=~"orders\\\\..*"}[5m])) * 0)',
    ],
    [
      { metric: 'errorCount', errorCode: 'CONFLICT' },
      '(sum by (operation) (increase(rfs_operations_total{operation="orders.create", error_code="CONFLICT"}[5m])) or sum by (operation) (increase(rfs_operation_duration_seconds_count{operation="orders.create"}[5m])) * 0)',
    ],
    [
      { metric: 'meanMs', window: '15m' },
      'sum by (operation) (rate(rfs_operation_duration_seconds_sum{operation="orders.create"}[15m])) / sum by (operation) (rate(rfs_operation_duration_seconds_count{operation="orders.create"}[15m])) * 1000',
    ],
    [
      { metric: 'p90Ms', window: '1h' },
      'histogram_quantile(0.9, sum by (operation, le) (rate(rfs_operation_duration_seconds_bucket{operation="orders.create"}[1h]))) * 1000',
    ],
    [
      { metric: 'fluxSuccessRate' },
      'sum by (operation) (increase(rfs_flux_items_total{operation="orders.create", outcome="ok"}[5m])) / sum by (operation) (increase(rfs_flux_items_total{operation="orders.create"}[5m]))',
    ],
  ])('%o', (patch, expr) => {
    expect(toPromQLValue({ ...base, ...patch })).toBe(expr);
  });

  it('uses the metrics prefix and escapes quotes in error codes', () => {
    expect(
      toPromQLValue(
        { ...base, metric: 'errorRate', errorCode: 'A"B' },
        'shop_',
      ),
    ).toContain(
      'shop_operations_total{operation="orders.create", error_code="A\\"B"}',
    );
  });
});

describe('toPrometheusRules', () => {
  it('writes one group with for, labels, annotations; skips disabled rules; minSamples 0 has no guard', () => {
    const doc = parse(
      toPrometheusRules(
        [
          {
            ...base,
            for: '90s',
            minSamples: 0,
            condition: AlertCondition.LESS_OR_EQUAL,
            labels: { team: 'a' },
            annotations: {
              summary: '{{operation}} at {{value}} ≤ {{threshold}}',
            },
          },
          { ...base, name: 'off', enabled: false },
          { ...base, name: 'guarded', minSamples: 7 },
        ],
        { groupName: 'g', interval: '60000ms' },
      ),
    );
    expect(doc.groups).toHaveLength(1);
    const [group] = doc.groups;
    expect(group.name).toBe('g');
    expect(group.interval).toBe('1m');
    expect(group.rules.map((r: { alert: string }) => r.alert)).toEqual([
      'r',
      'guarded',
    ]);
    expect(group.rules[0]).toEqual({
      alert: 'r',
      expr: `(${toPromQLValue(base)}) <= 0.05`,
      for: '90s',
      labels: { team: 'a', severity: 'warning' },
      annotations: {
        summary: '{{ $labels.operation }} at {{ printf "%.4g" $value }} ≤ 0.05',
      },
    });
    expect(group.rules[1].expr).toMatch(
      / > 0\.05 and on \(operation\) \(sum by \(operation\) \(increase\(rfs_operation_duration_seconds_count\{operation="orders.create"\}\[5m\]\)\) >= 7\)$/,
    );
    expect(group.rules[1].for).toBeUndefined();
  });

  it('rejects invalid rules like the evaluator does', () => {
    expect(() =>
      toPrometheusRuleGroup([{ ...base, window: '2m' as never }]),
    ).toThrow(/Invalid alert rule 'r'.*window must be one of/);
  });
});
