import { join } from 'node:path';
import { parse } from 'yaml';
import { main, parseRfsRulesArgs } from '../lib/alerts/cli/rfs-rules';

const fixture = join(__dirname, 'alerts.cli-fixture.module.ts');

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

describe('rfs-rules export', () => {
  it("writes the app's resolved rules (defaults + alerts.rules) with its prefix and service name", async () => {
    const r = await run(['export', '--module', fixture, '--interval', '30s']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = parse(r.out) as {
      groups: {
        name: string;
        interval: string;
        rules: {
          alert: string;
          expr: string;
          for?: string;
          labels: Record<string, string>;
        }[];
      }[];
    };
    expect(doc.groups).toHaveLength(1);
    expect(doc.groups[0]).toMatchObject({ name: 'shop', interval: '30s' });
    expect(doc.groups[0].rules.map((x) => x.alert)).toEqual([
      'rfs_high_error_rate',
      'rfs_slow_operations',
      'rfs_low_batch_success_rate',
      'checkout_slow',
    ]);
    const custom = doc.groups[0].rules[3];
    expect(custom).toMatchObject({
      for: '2m',
      labels: { team: 'payments', severity: 'critical' },
    });
    expect(custom.expr).toContain(
      'histogram_quantile(0.99, sum by (operation, le) (rate(shop_operation_duration_seconds_bucket{operation=~"checkout\\\\..*"}[5m]))) * 1000',
    );
  });

  it('picks a module with --export and a group with --group', async () => {
    const r = await run([
      'export',
      `--module=${fixture}`,
      '--export',
      'EmptyRulesModule',
      '--group',
      'g',
    ]);
    expect(r.code).toBe(0);
    expect(parse(r.out)).toEqual({ groups: [{ name: 'g', rules: [] }] });
  });

  it('explains bad usage', async () => {
    expect(() => parseRfsRulesArgs([])).toThrow(
      /Usage: rfs-rules export --module/,
    );
    expect(() => parseRfsRulesArgs(['export'])).toThrow(/--module is required/);
    expect(() => parseRfsRulesArgs(['export', '--modul', 'x'])).toThrow(
      /Unknown argument '--modul'/,
    );
    const r = await run(['export', '--module', fixture, '--export', 'Nope']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /has no exported Nest module named 'Nope' \(exports: AppModule, EmptyRulesModule\)/,
    );
  });
});
