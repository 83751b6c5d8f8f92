import * as path from 'node:path';
import { Bench } from 'tinybench';
import {
  machineInfo,
  writeReport,
  type CaseReport,
  type ComparisonReport,
  type GoalReport,
  type SuiteReport,
} from './report';
import { median, quantile } from './stats';
import {
  validate,
  type BenchFn,
  type CompareOptions,
  type SuiteOptions,
} from './options';

/**
 * Measures `cases` against `anchor` in one process, interleaved, and writes
 * bench/results/<name>.json and .md.
 *
 * @example
 * ```ts
 * void compare({
 *   name: 'json',
 *   anchor: 'JSON.stringify',
 *   cases: { 'JSON.stringify': () => JSON.stringify(obj), mine: () => mine(obj) },
 * });
 * ```
 */
export function compare(options: CompareOptions): Promise<SuiteReport> {
  const { cases, ...rest } = options;
  return benchSuite({ ...rest, comparisons: { [options.name]: cases } });
}

/** Like {@link compare}, for several comparisons written to one results file. */
export async function benchSuite(options: SuiteOptions): Promise<SuiteReport> {
  const quick = process.env.BENCH_QUICK === '1';
  const rounds = options.rounds ?? (quick ? 2 : 10);
  const timeMs = options.timeMs ?? (quick ? 20 : 100);
  validate(options, rounds, timeMs);

  const date = new Date().toISOString();
  const machine = machineInfo();
  const comparisons: ComparisonReport[] = [];
  for (const [name, cases] of Object.entries(options.comparisons)) {
    comparisons.push(
      await runComparison(name, cases, options.anchor, rounds, timeMs),
    );
  }

  const goals: GoalReport[] = [];
  for (const c of comparisons) {
    for (const [caseName, maxRatio] of Object.entries(options.goals ?? {})) {
      const k = c.cases.find((x) => x.name === caseName);
      if (k) {
        goals.push({
          comparison: c.name,
          case: caseName,
          maxRatio,
          ratio: k.ratio,
          met: k.ratio <= maxRatio,
        });
      }
    }
  }

  const report: SuiteReport = {
    name: options.name,
    title: options.title ?? options.name,
    ...(options.description ? { description: options.description } : {}),
    date,
    machine,
    anchor: options.anchor,
    config: { rounds, timeMs, tool: 'tinybench 6' },
    comparisons,
    goals,
  };
  const outDir = options.outDir ?? path.resolve(__dirname, '..', 'results');
  const files = writeReport(report, outDir);
  if (options.print ?? true) {
    for (const c of comparisons) printComparison(c, options.anchor);
    for (const g of goals.filter((x) => !x.met)) {
      console.log(
        `goal missed: ${g.case} in "${g.comparison}" is ${g.ratio.toFixed(2)}× ${options.anchor} (goal ≤ ${g.maxRatio})`,
      );
    }
    console.log(`wrote ${path.relative(process.cwd(), files.markdown)}`);
  }
  if (process.env.BENCH_STRICT === '1' && goals.some((g) => !g.met)) {
    process.exitCode = 1;
  }
  return report;
}

// Written by every measured call so V8 cannot drop the work as dead code.
let blackhole: unknown;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

function loopSync(fn: BenchFn, n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) blackhole = fn();
  return Number(process.hrtime.bigint() - t0);
}

async function loopAsync(fn: BenchFn, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) blackhole = await fn();
  return Number(process.hrtime.bigint() - t0);
}

/**
 * Time of one call of `fn` in ns, to size batches: the best of several loops of ≥ 1 ms (a
 * pause or a not-yet-optimised loop only ever adds time).
 */
async function nsPerCall(fn: BenchFn, isAsync: boolean): Promise<number> {
  const loop = (n: number): Promise<number> | number =>
    isAsync ? loopAsync(fn, n) : loopSync(fn, n);
  let n = 1;
  let elapsed = await loop(n);
  while (elapsed < 1e6 && n < 1 << 24) {
    n *= 2;
    elapsed = await loop(n);
  }
  let best = elapsed / n;
  // Once optimised, a call can be far faster than in the first loops: re-size n to keep
  // each loop ≥ 1 ms at the best speed seen, twice.
  for (let pass = 0; pass < 2; pass++) {
    n = Math.min(1 << 24, Math.max(n, Math.ceil(1e6 / Math.max(best, 0.1))));
    for (let k = 0; k < 4; k++) best = Math.min(best, (await loop(n)) / n);
  }
  return best;
}

/** Wraps `fn` so one tinybench sample is `batch` calls. */
function batched(fn: BenchFn, batch: number, isAsync: boolean): () => unknown {
  if (batch === 1) return isAsync ? async () => (blackhole = await fn()) : fn;
  return isAsync
    ? async () => {
        for (let i = 0; i < batch; i++) blackhole = await fn();
      }
    : () => {
        for (let i = 0; i < batch; i++) blackhole = fn();
      };
}

// Samples of ~20 µs keep timer overhead under 1 % for nanosecond-scale calls.
const TARGET_SAMPLE_NS = 20_000;

async function runComparison(
  name: string,
  cases: Record<string, BenchFn>,
  anchor: string,
  rounds: number,
  timeMs: number,
): Promise<ComparisonReport> {
  const names = Object.keys(cases);
  const asyncCases = new Set<string>();
  for (const caseName of names) {
    if (isThenable((blackhole = cases[caseName]()))) {
      await blackhole;
      asyncCases.add(caseName);
    }
  }
  // Each case gets its own batch so every sample is ~20 µs, however fast or slow the case.
  const tasks: { caseName: string; batch: number; fn: () => unknown }[] = [];
  for (const caseName of names) {
    const isAsync = asyncCases.has(caseName);
    // The first pass warms the case up (and lets V8 settle on the inputs of this
    // comparison); the second sizes the batch.
    await nsPerCall(cases[caseName], isAsync);
    const ns = await nsPerCall(cases[caseName], isAsync);
    const batch = Math.max(
      1,
      Math.min(100_000, Math.round(TARGET_SAMPLE_NS / Math.max(ns, 0.1))),
    );
    tasks.push({
      caseName,
      batch,
      fn: batched(cases[caseName], batch, isAsync),
    });
  }
  const batchOf = new Map(tasks.map((t) => [t.caseName, t.batch]));

  const perRound = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    (globalThis as { gc?: () => void }).gc?.();
    const bench = new Bench({
      time: timeMs,
      iterations: 16,
      warmup: round === 0,
      warmupTime: timeMs,
      throws: true,
    });
    // Rotate the order so no case always runs first (or right after a given other case).
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[(i + round) % tasks.length];
      bench.add(t.caseName, t.fn);
    }
    await bench.run();
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== 'completed') {
        throw new Error(
          `bench: "${name}" / "${task.name}" did not complete (state ${r.state})`,
        );
      }
      perRound
        .get(task.name)!
        .push((r.latency.p50 * 1e6) / batchOf.get(task.name)!);
    }
  }

  const anchorRounds = perRound.get(anchor)!;
  const caseReports: CaseReport[] = names.map((caseName) => {
    const medians = perRound.get(caseName)!;
    const ratios = medians.map((ns, i) => ns / anchorRounds[i]);
    const medianNs = median(medians);
    return {
      name: caseName,
      batch: batchOf.get(caseName)!,
      medianNs,
      opsPerSecond: 1e9 / medianNs,
      ratio: median(ratios),
      ratioP25: quantile(ratios, 0.25),
      ratioP75: quantile(ratios, 0.75),
      roundMediansNs: medians.map((x) => Math.round(x * 100) / 100),
    };
  });
  return { name, cases: caseReports };
}

function printComparison(c: ComparisonReport, anchor: string): void {
  console.log(`\n${c.name}`);
  console.table(
    c.cases.map((k) => ({
      case: k.name,
      'ns/call': Number(k.medianNs.toFixed(1)),
      [`ratio vs ${anchor}`]: Number(k.ratio.toFixed(3)),
      'p25–p75': `${k.ratioP25.toFixed(2)}–${k.ratioP75.toFixed(2)}`,
      batch: k.batch,
    })),
  );
}
