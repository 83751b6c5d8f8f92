// Heap held by ResultMetricsCollector (windows + its prom-client series) as traffic grows.
// Each scenario builds a fresh collector on its own registry, records, collects garbage and
// reads heapUsed; the collectors stay referenced until the end so nothing is freed early.
// Run by bench/run.js with --expose-gc.
import 'reflect-metadata';
import { Registry } from 'prom-client';
import { machineInfo, writeResults } from '../harness';
import { ResultMetricsCollector } from '../../lib/metrics/result-metrics.collector';
import { resolveRfsOptions } from '../../lib/rfs.options';

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (node bench/run.js does)');

function heapUsed(): number {
  for (let k = 0; k < 4; k++) gc!();
  return process.memoryUsage().heapUsed;
}

const keep: unknown[] = [];
const DURATIONS = Array.from(
  { length: 4096 },
  (_, k) => 20 * Math.exp(Math.sin(k * 12.9898) * 1.5), // ~4.5–90 ms
);

interface Scenario {
  name: string;
  /** Values recorded. */
  values: number;
  operations: number;
  /** ms of (simulated) time between two records; 0 = the real clock. */
  stepMs: number;
  /** Distinct error codes cycled through (0: all ok). */
  errorCodes: number;
}

function measure(s: Scenario): number {
  let now = Date.UTC(2026, 0, 1);
  const clock = s.stepMs > 0 ? { now: () => now } : { now: () => Date.now() };
  const ops = Array.from({ length: s.operations }, (_, k) => `orders.op${k}`);
  const before = heapUsed();
  const collector = new ResultMetricsCollector(
    resolveRfsOptions({ metrics: { maxOperations: 1000 } }),
    clock,
    undefined,
    new Registry(),
  );
  keep.push(collector);
  for (let i = 0; i < s.values; i++) {
    if (s.errorCodes > 0)
      collector.record(ops[i % s.operations], 'err', DURATIONS[i & 4095], {
        errorCode: `E${i % s.errorCodes}`,
        correlationId: `c${i & 1023}`,
      });
    else collector.record(ops[i % s.operations], 'ok', DURATIONS[i & 4095]);
    now += s.stepMs;
  }
  // Query once so lazily built structures are counted too.
  collector.getSummary('1h');
  return heapUsed() - before;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'baseline (empty collector)',
    values: 0,
    operations: 0,
    stepMs: 0,
    errorCodes: 0,
  },
  {
    name: '10K values, 10 operations',
    values: 10_000,
    operations: 10,
    stepMs: 0,
    errorCodes: 0,
  },
  {
    name: '1M values, 100 operations',
    values: 1_000_000,
    operations: 100,
    stepMs: 0,
    errorCodes: 0,
  },
  {
    name: '100K distinct error codes, 1 operation',
    values: 100_000,
    operations: 1,
    stepMs: 0,
    errorCodes: 100_000,
  },
  {
    name: 'ceiling: 100 operations, every slot of every window filled (2M values over 2 h)',
    values: 2_000_000,
    operations: 100,
    stepMs: 3.6,
    errorCodes: 0,
  },
];

// Warm-up (discarded): loads and compiles everything once, so the first scenario does not
// pay for code and lazily created module state.
measure({
  name: 'warm-up',
  values: 20_000,
  operations: 5,
  stepMs: 0,
  errorCodes: 60,
});
keep.length = 0;
const results = SCENARIOS.map((s) => ({ ...s, heapBytes: measure(s) }));
const [base, tenK, oneM, codes, ceiling] = results;
// Every figure is already "above the heap before that collector existed"; the empty collector
// row shows the fixed cost (and the GC noise, ±0.2 MB).
const over = (r: { heapBytes: number }) => r.heapBytes;
void base;
const goals = [
  {
    goal: '10K values ≤ 1 MB above the heap before the collector',
    value: over(tenK),
    limit: 1 * MB,
  },
  {
    goal: '1M values over 100 operations within 5 MB of the 10K figure',
    value: over(oneM) - over(tenK),
    limit: 5 * MB,
  },
  {
    goal: '100K distinct error codes within 1 MB of the 10K figure (cardinality guard)',
    value: over(codes) - over(tenK),
    limit: 1 * MB,
  },
].map((g) => ({ ...g, met: g.value <= g.limit }));

const fmt = (b: number) => `${(b / MB).toFixed(2)} MB`;
const fmtKb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const lines = [
  '# ResultMetricsCollector heap',
  '',
  'Heap used after full GC, minus heap before the collector was created (fresh prom-client registry per scenario). Real clock unless noted: values recorded as fast as possible, as under load. The ceiling scenario drives a fake clock through 2 hours so that, for each of its 100 operations, all 49 slots (1m: 12 × 5 s, 5m: 10 × 30 s, 15m: 15 × 1 min, 1h: 12 × 5 min) hold a DDSketch: more traffic over the same spread of durations adds nothing (a wider spread adds bins, up to 1024 per sketch; error codes are capped at `maxErrorCodes`).',
  '',
  `- Date: ${new Date().toISOString()}; Node ${process.version}; load average ${machineInfo().loadAverage}`,
  '',
  '| scenario | heap above before |',
  '| --- | ---: |',
  ...results.map((r) => `| ${r.name} | ${fmt(r.heapBytes)} |`),
  '',
  '| goal | measured | met |',
  '| --- | ---: | :---: |',
  ...goals.map(
    (g) => `| ${g.goal} | ${fmt(g.value)} | ${g.met ? 'yes' : '**no**'} |`,
  ),
  '',
  // Measured over 100 operations: one operation's windows are within the GC noise of one
  // heap reading (±0.2 MB), so a single-operation figure could even come out negative.
  `Per-operation ceiling (the ceiling row ÷ ${ceiling.operations}): ${fmtKb(ceiling.heapBytes / ceiling.operations)}; with the default metrics.maxOperations (1000) the windows hold at most ~${fmt((ceiling.heapBytes / ceiling.operations) * 1000)} for this spread of durations (each sketch is capped at 1024 bins). Seed's claim to beat: < 80 MB per 10K metrics.`,
  '',
];
const md = lines.join('\n');
writeResults('metrics-memory', md, {
  date: new Date().toISOString(),
  machine: machineInfo(),
  results,
  goals,
});
if (goals.some((g) => !g.met) && process.env.BENCH_STRICT === '1')
  process.exitCode = 1;
