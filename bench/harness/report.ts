import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatNs, formatRate } from './stats';

/** Where and when a bench ran. Ratios are comparable across machines; absolute times are not. */
export interface MachineInfo {
  node: string;
  v8: string;
  cpu: string;
  cores: number;
  platform: string;
  memoryGb: number;
  /** 1-minute load average when the run started (the CPU may be shared). */
  loadAverage: number;
}

/** One side of a comparison, aggregated over the rounds. */
export interface CaseReport {
  name: string;
  /** Calls per timed sample (fast calls are batched so the timer does not dominate). */
  batch: number;
  /** Median over rounds of each round's median time per call. */
  medianNs: number;
  /** `1e9 / medianNs`. */
  opsPerSecond: number;
  /** Median over rounds of (this case's median / the anchor's median in the same round). */
  ratio: number;
  /** 25th and 75th percentile of the per-round ratios (how stable the ratio is). */
  ratioP25: number;
  ratioP75: number;
  /** Per-round medians in ns (for re-analysis). */
  roundMediansNs: number[];
}

/** One comparison (several cases measured against the same anchor). */
export interface ComparisonReport {
  name: string;
  cases: CaseReport[];
}

/** A goal: `case` must be at most `maxRatio` × the anchor, in every comparison. */
export interface GoalReport {
  comparison: string;
  case: string;
  maxRatio: number;
  ratio: number;
  met: boolean;
}

/** What `compare`/`benchSuite` return and write to bench/results/<name>.json. */
export interface SuiteReport {
  name: string;
  title: string;
  description?: string;
  date: string;
  machine: MachineInfo;
  anchor: string;
  config: { rounds: number; timeMs: number; tool: string };
  comparisons: ComparisonReport[];
  goals: GoalReport[];
}

/** Describes this machine and Node. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** Renders a report as a markdown document. */
export function toMarkdown(report: SuiteReport): string {
  const m = report.machine;
  const lines: string[] = [`# ${report.title}`, ''];
  if (report.description) lines.push(report.description, '');
  lines.push(
    `- Date: ${report.date}`,
    `- Node ${m.node} (V8 ${m.v8}) on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}; load average ${m.loadAverage} at start`,
    `- Method: ${report.config.tool}; ${report.config.rounds} interleaved rounds × ${report.config.timeMs} ms per case (case order rotates each round); a sample times \`batch\` calls (~20 µs); time per call = median of each round, then median over rounds.`,
    `- Ratio = median over rounds of case ÷ **${report.anchor}** measured in the same round (lower is faster; p25–p75 of the per-round ratios shows its stability).`,
    '',
  );
  for (const c of report.comparisons) {
    lines.push(
      `## ${c.name}`,
      '',
      `| case | time per call | calls/s | ratio vs ${report.anchor} | ratio p25–p75 | batch |`,
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const k of c.cases) {
      const name = k.name === report.anchor ? `${k.name} (anchor)` : k.name;
      lines.push(
        `| ${name} | ${formatNs(k.medianNs)} | ${formatRate(k.opsPerSecond)} | ${k.ratio.toFixed(2)} | ${k.ratioP25.toFixed(2)}–${k.ratioP75.toFixed(2)} | ${k.batch} |`,
      );
    }
    lines.push('');
  }
  if (report.goals.length > 0) {
    lines.push(
      '## Goals',
      '',
      `| comparison | case | goal (ratio vs ${report.anchor}) | measured | met |`,
      '| --- | --- | ---: | ---: | :---: |',
    );
    for (const g of report.goals) {
      lines.push(
        `| ${g.comparison} | ${g.case} | ≤ ${g.maxRatio.toFixed(2)} | ${g.ratio.toFixed(2)} | ${g.met ? 'yes' : '**no**'} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Writes `<dir>/<name>.json` and `<dir>/<name>.md`; returns their paths. */
export function writeReport(
  report: SuiteReport,
  dir: string,
): { json: string; markdown: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${report.name}.json`);
  const markdown = path.join(dir, `${report.name}.md`);
  fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(markdown, toMarkdown(report));
  return { json, markdown };
}

/**
 * Prints `markdown` and writes `bench/results/<name>.md` and `<name>.json` (the JSON object
 * gets `name` first): the output step of the benches that render their own tables.
 */
export function writeResults(
  name: string,
  markdown: string,
  json: Record<string, unknown>,
): void {
  console.log(`\n${markdown}`);
  const dir = path.join(__dirname, '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.md`), markdown);
  fs.writeFileSync(
    path.join(dir, `${name}.json`),
    `${JSON.stringify({ name, ...json }, null, 2)}\n`,
  );
}
