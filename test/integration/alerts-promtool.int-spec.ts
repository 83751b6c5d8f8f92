import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { stringify } from 'yaml';
import {
  AlertCondition,
  type AlertRule,
  ResultAlertService,
  defaultAlertRules,
  toPrometheusRules,
} from 'nestjs-rfs';
import { RfsTestClock } from 'nestjs-rfs/testing';
import { FakeAlertMetricsSource } from '../alerts.fake-source';
import { describeWithBinaries, promtool, tempDir } from './alerts-servers';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const MINUTES = 40;

/** Synthetic traffic of one operation: per-minute increments, changeable at a minute. */
interface Traffic {
  operation: string;
  /** Calls per minute by minute → { ok, err } (err carry `errorCode`). */
  perMinute: (minute: number) => { ok: number; err: number };
  errorCode?: string;
  durationSec: number;
  /** FluxResult items per minute. */
  flux?: { ok: number; err: number };
}

const TRAFFIC: Traffic[] = [
  // 10% failing until minute 20, then healthy: error-rate alert fires, then resolves.
  {
    operation: 'orders.create',
    perMinute: (m) => (m <= 20 ? { ok: 90, err: 10 } : { ok: 100, err: 0 }),
    errorCode: 'PAYMENT_DECLINED',
    durationSec: 0.02,
  },
  // 2% failing: below the 5% threshold.
  {
    operation: 'orders.list',
    perMinute: () => ({ ok: 98, err: 2 }),
    errorCode: 'NOT_FOUND',
    durationSec: 0.003,
  },
  // Every call 2.425 s: Prometheus interpolates p95 in the (1, 2.5] bucket to exactly that.
  {
    operation: 'reports.slow',
    perMinute: () => ({ ok: 20, err: 0 }),
    durationSec: 2.425,
  },
  // Streams 70% good items: low batch success rate.
  {
    operation: 'orders.import',
    perMinute: () => ({ ok: 20, err: 0 }),
    durationSec: 0.2,
    flux: { ok: 70, err: 30 },
  },
  // Always failing but only 1 call per minute: under minSamples (20 in 5m).
  {
    operation: 'users.rare',
    perMinute: () => ({ ok: 0, err: 1 }),
    errorCode: 'CONFLICT',
    durationSec: 0.004,
  },
];

const EXTRA_RULES: AlertRule[] = [
  {
    name: 'orders_declines',
    operation: 'orders.*',
    metric: 'errorCount',
    condition: AlertCondition.GREATER_OR_EQUAL,
    threshold: 30,
    window: '5m',
    for: '2m',
    severity: 'info',
    labels: { team: 'checkout' },
    annotations: { summary: '{{rule}}: {{value}} declines on {{operation}}' },
  },
  {
    name: 'low_throughput',
    operation: 'users.*',
    metric: 'throughputPerSec',
    condition: AlertCondition.LESS_THAN,
    threshold: 0.1,
    window: '1m',
    minSamples: 1,
    severity: 'warning',
  },
];

function cumulative(values: (m: number) => number): string {
  const out: number[] = [];
  let v = 0;
  for (let m = 0; m <= MINUTES; m++) {
    if (m > 0) v += values(m);
    out.push(Math.round(v * 1e6) / 1e6);
  }
  return out.join(' ');
}

/** The series the metrics collector exports for `TRAFFIC` (zero-initialised). */
function inputSeries(): { series: string; values: string }[] {
  const out: { series: string; values: string }[] = [];
  for (const t of TRAFFIC) {
    const op = `operation="${t.operation}"`;
    const add = (series: string, f: (m: number) => number) =>
      out.push({ series, values: cumulative(f) });
    add(
      `rfs_operations_total{${op},outcome="ok",error_code=""}`,
      (m) => t.perMinute(m).ok,
    );
    add(`rfs_operations_total{${op},outcome="err",error_code=""}`, () => 0);
    add(`rfs_operations_total{${op},outcome="defect",error_code=""}`, () => 0);
    // An error-code series appears with its first value, as prom-client exports it.
    if (t.errorCode) {
      const first = Array.from({ length: MINUTES }, (_, i) => i + 1).find(
        (m) => t.perMinute(m).err > 0,
      );
      out.push({
        series: `rfs_operations_total{${op},outcome="err",error_code="${t.errorCode}"}`,
        values: cumulative((m) => t.perMinute(m).err)
          .split(' ')
          .map((v, m) => (first === undefined || m < first ? '_' : v))
          .join(' '),
      });
    }
    for (const outcome of ['ok', 'err'] as const) {
      const n = (m: number) => t.perMinute(m)[outcome];
      for (const le of [...BUCKETS, Number.POSITIVE_INFINITY])
        add(
          `rfs_operation_duration_seconds_bucket{${op},outcome="${outcome}",le="${le === Number.POSITIVE_INFINITY ? '+Inf' : le}"}`,
          (m) => (t.durationSec <= le ? n(m) : 0),
        );
      add(
        `rfs_operation_duration_seconds_count{${op},outcome="${outcome}"}`,
        n,
      );
      add(
        `rfs_operation_duration_seconds_sum{${op},outcome="${outcome}"}`,
        (m) => n(m) * t.durationSec,
      );
    }
    if (t.flux) {
      const f = t.flux;
      add(`rfs_flux_items_total{${op},outcome="ok"}`, () => f.ok);
      add(`rfs_flux_items_total{${op},outcome="err"}`, () => f.err);
    }
  }
  return out;
}

const EVAL_MINUTES = [1, 2, 3, 5, 10, 20, 21, 22, 23, 30, 40];

/** Runs the in-process evaluator minute by minute over the same traffic. */
function inProcess(rules: AlertRule[]) {
  const clock = new RfsTestClock(0);
  const source = new FakeAlertMetricsSource(clock);
  for (const t of TRAFFIC) source.declare(t.operation);
  const service = new ResultAlertService({
    options: { defaultRules: false, rules, notifiers: [] },
    source,
    clock,
    registry: new Registry(),
    logger: {
      log: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  });
  const active = new Map<
    number,
    ReturnType<ResultAlertService['getActiveAlerts']>
  >();
  for (let m = 0; m <= MINUTES; m++) {
    clock.setTime(m * 60_000);
    if (m > 0)
      for (const t of TRAFFIC) {
        const { ok, err } = t.perMinute(m);
        for (let i = 0; i < ok; i++)
          source.record({
            operation: t.operation,
            outcome: 'ok',
            durationMs: t.durationSec * 1000,
            ...(t.flux && i === 0
              ? { flux: { ok: t.flux.ok, err: t.flux.err } }
              : {}),
          });
        for (let i = 0; i < err; i++)
          source.record({
            operation: t.operation,
            outcome: 'err',
            errorCode: t.errorCode,
            durationMs: t.durationSec * 1000,
          });
      }
    service.evaluate();
    active.set(m, service.getActiveAlerts());
  }
  return active;
}

describeWithBinaries(['promtool'], 'Prometheus rule export (promtool)', () => {
  const tmp = tempDir('rfs-promtool-');
  afterAll(() => tmp.cleanup());

  it('writes rules that pass `promtool check rules`', () => {
    const byCode: AlertRule = {
      name: 'payment_declines',
      operation: 'orders.create',
      metric: 'errorRate',
      errorCode: 'PAYMENT_DECLINED',
      condition: AlertCondition.GREATER_THAN,
      threshold: 0.2,
      window: '15m',
      severity: 'warning',
    };
    const yaml = toPrometheusRules(
      [...defaultAlertRules(), ...EXTRA_RULES, byCode],
      {
        groupName: 'shop',
        interval: '30s',
      },
    );
    const file = join(tmp.dir, 'check.rules.yml');
    writeFileSync(file, yaml);
    const r = promtool(['check', 'rules', file]);
    expect(r.output).toContain('SUCCESS: 6 rules found');
    expect(r.code).toBe(0);
  });

  it('a rule promtool rejects is reported (the check can fail)', () => {
    const file = join(tmp.dir, 'bad.rules.yml');
    writeFileSync(
      file,
      toPrometheusRules(defaultAlertRules()).replace('sum by', 'sum by by'),
    );
    expect(promtool(['check', 'rules', file]).code).not.toBe(0);
  });

  it('agrees with the in-process evaluator on the same synthetic series (promtool test rules)', () => {
    const rules = [...defaultAlertRules(), ...EXTRA_RULES];
    const active = inProcess(rules);

    // The scenario exercises every transition, so parity is not vacuous.
    const names = (m: number) =>
      active
        .get(m)!
        .map((a) => `${a.rule}/${a.operation}`)
        .sort();
    expect(names(1)).toEqual([
      'low_throughput/users.rare',
      'rfs_low_batch_success_rate/orders.import',
      'rfs_slow_operations/reports.slow',
    ]); // error rate pending (for: 1m)
    expect(names(2)).toContain('rfs_high_error_rate/orders.create');
    // ≥ 30 declines from minute 3, `for: 2m` → fires at minute 5.
    expect(names(3)).not.toContain('orders_declines/orders.create');
    expect(names(5)).toContain('orders_declines/orders.create');
    expect(names(23)).not.toContain('rfs_high_error_rate/orders.create');
    expect(names(10)).toContain('low_throughput/users.rare');
    expect(names(10).join()).not.toContain('rfs_high_error_rate/users.rare');

    writeFileSync(
      join(tmp.dir, 'parity.rules.yml'),
      toPrometheusRules(rules, { groupName: 'parity' }),
    );
    const test = {
      rule_files: ['parity.rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: inputSeries(),
          alert_rule_test: EVAL_MINUTES.flatMap((m) =>
            rules.map((rule) => ({
              eval_time: `${m}m`,
              alertname: rule.name,
              exp_alerts: active
                .get(m)!
                .filter((a) => a.rule === rule.name)
                .map((a) => {
                  const { alertname: _a, ...labels } = a.labels;
                  return { exp_labels: labels, exp_annotations: a.annotations };
                }),
            })),
          ),
        },
      ],
    };
    const testFile = join(tmp.dir, 'parity.test.yml');
    writeFileSync(testFile, stringify(test, { lineWidth: 0 }));
    const r = promtool(['test', 'rules', testFile]);
    if (r.code !== 0)
      throw new Error(`promtool test rules failed:\n${r.output}`);
    expect(r.output).toContain('SUCCESS');
  });
});
