import { Registry } from 'prom-client';
import { promComparison } from './alert-condition';
import {
  ALERT_METRICS,
  DEFAULT_COOLDOWN,
  DEFAULT_MIN_SAMPLES,
  METRIC_WINDOWS,
  AlertCondition,
} from './alert-rule';
import { ALERT_RULE_FIELDS } from './alert-rule.validator';
import { alertPipelineMetrics } from './alert-metrics';
import { defaultAlertRules } from './default-alert-rules';
import { readmeBlock } from '../../test/support/readme-sections';

/** Cells of the table between `<!-- name:start -->` and `<!-- name:end -->`. */
function table(name: string): string[][] {
  return readmeBlock(name)
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.replace(/\\\|/g, '|').trim()),
    );
}

const code = (cell: string) =>
  [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

describe('README alerts section', () => {
  it('documents every rule field, in order, with the real defaults and accepted values', () => {
    const rows = table('alert-rule-fields');
    expect(rows.map((r) => code(r[0])[0])).toEqual([...ALERT_RULE_FIELDS]);
    const row = (f: string) => rows.find((r) => code(r[0])[0] === f)!;
    expect(code(row('metric')[1]).map((m) => m.replace(/'/g, ''))).toEqual([
      ...ALERT_METRICS,
    ]);
    expect(code(row('window')[1]).map((m) => m.replace(/'/g, ''))).toEqual([
      ...METRIC_WINDOWS,
    ]);
    expect(code(row('condition')[3])).toEqual(Object.values(AlertCondition));
    expect(row('minSamples')[2]).toBe(`\`${DEFAULT_MIN_SAMPLES}\``);
    expect(row('cooldown')[2]).toBe(`\`'${DEFAULT_COOLDOWN}'\``);
  });

  it('lists the default rules as the code defines them', () => {
    const rows = table('alert-default-rules');
    expect(
      rows.map(([name, metric, cond, window, forCell, min, severity]) => ({
        name: code(name)[0],
        metric: code(metric)[0],
        cond: code(cond)[0],
        window: code(window)[0],
        for: code(forCell)[0],
        minSamples: Number(min),
        severity,
      })),
    ).toEqual(
      defaultAlertRules().map((r) => ({
        name: r.name,
        metric: r.metric,
        cond: `${promComparison(r.condition)} ${r.threshold}`,
        window: r.window,
        for: r.for,
        minSamples: r.minSamples ?? DEFAULT_MIN_SAMPLES,
        severity: r.severity,
      })),
    );
  });

  it('lists exactly the alert series the service creates', async () => {
    const registry = new Registry();
    alertPipelineMetrics(registry);
    const created = (await registry.getMetricsAsJSON())
      .map((m) => [m.name, String(m.type)])
      .sort();
    expect(
      table('alert-series')
        .map((r) => [code(r[0])[0], r[1]])
        .sort(),
    ).toEqual(created);
  });
});
