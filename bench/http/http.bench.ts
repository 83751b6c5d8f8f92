// HTTP throughput and tail latency of eight Nest stacks serving the same MonoResult-backed GET
// (see http-apps.ts), on Express and Fastify. Each app runs in its own child process; this
// process drives autocannon (127.0.0.1, 50 connections, keep-alive). After a warm-up, rounds
// are interleaved (every app once per round, order rotated) so drift on a shared CPU hits all
// stacks alike; ratios are taken within a round, then the median over rounds is reported.
// Writes bench/results/http.json and http.md.
// Environment: BENCH_QUICK=1 (2 × 1 s rounds), BENCH_HTTP_ADAPTERS=express (one adapter),
// BENCH_HTTP_SECONDS=n (round length), BENCH_STRICT=1 (exit 1 when a goal is missed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineInfo, median, writeResults } from '../harness';
import { VARIANTS, type Variant } from './http-apps';
import {
  load,
  type LoadResult,
  pinLoadAndApps,
  startServer,
} from './http-load';

const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = quick ? 2 : 3;
// 16 apps: 1 s warm-up and 3 rounds of 1.5 s keep the whole `npm run bench` under 5 minutes
const ROUND_S = Number(process.env.BENCH_HTTP_SECONDS ?? (quick ? 1 : 1.5));
const WARMUP_S = quick ? 0.5 : 1;
const CONNECTIONS = 50;
const ADAPTERS = (process.env.BENCH_HTTP_ADAPTERS ?? 'express,fastify')
  .split(',')
  .map((a) => a.trim()) as ('express' | 'fastify')[];
const ANCHOR: Variant = 'nestjs-pino';
const PATH = '/orders/ord-42';
const AUTOCANNON_VERSION = (
  JSON.parse(
    readFileSync(require.resolve('autocannon/package.json'), 'utf8'),
  ) as { version: string }
).version;

const LABELS: Record<Variant, string> = {
  bare: 'bare Nest',
  'nestjs-pino': 'Nest + nestjs-pino',
  'nestjs-pino+noop-interceptor':
    'Nest + nestjs-pino + one no-op global interceptor',
  diy: 'DIY: nestjs-pino + nestjs-cls + prom-client interceptor',
  floor:
    'hand-written floor: nestjs-pino + the id, timing, series and line fields of the defaults, no library',
  'nestjs-rfs':
    'Nest + nestjs-rfs defaults (correlation, Result → HTTP without interceptor, Result fields on the request line, metrics, alerts)',
  'nestjs-rfs+interceptor-pipeline':
    "Nest + nestjs-rfs with http.pipeline: 'interceptor' (ResultInterceptor)",
  'nestjs-rfs+two-lines':
    "Nest + nestjs-rfs defaults, two log lines per request (resultLine: 'separate')",
};

interface VariantReport {
  variant: Variant;
  label: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Median over rounds of req/s ÷ the anchor's req/s in the same round. */
  rpsRatio: number;
  /** Median over rounds of p99 ÷ the anchor's p99 in the same round. */
  p99Ratio: number;
  /** Median over rounds of req/s ÷ bare Nest's req/s in the same round. */
  rpsVsBare: number;
  /** Median over rounds of the app process's CPU time (user + system) per response, in µs. */
  cpuUsPerRequest: number;
  /** Median over rounds of CPU per request ÷ the anchor's in the same round. */
  cpuRatio: number;
  rounds: RoundResult[];
}

/** One autocannon run plus the app's CPU time per response (robust on a shared CPU). */
interface RoundResult extends LoadResult {
  cpuUsPerRequest: number;
}

const GOAL_NAMES: Partial<Record<Variant, string>> = {
  'nestjs-rfs': 'nestjs-rfs (defaults)',
  'nestjs-rfs+interceptor-pipeline': "nestjs-rfs (pipeline 'interceptor')",
  'nestjs-rfs+two-lines': 'nestjs-rfs (two lines)',
};

interface Goal {
  adapter: string;
  goal: string;
  measured: number;
  limit: number;
  met: boolean;
}

/** Checks one app before it is measured: the route answers as the others do. */
async function check(url: string, variant: Variant): Promise<void> {
  const res = await fetch(`${url}${PATH}`, {
    headers: { 'x-correlation-id': 'bench-check' },
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 200 || body.id !== 'ord-42')
    throw new Error(
      `${variant}: GET ${PATH} → ${res.status} ${JSON.stringify(body)}`,
    );
  const echoed = res.headers.get('x-correlation-id');
  if (
    (variant === 'diy' ||
      variant === 'floor' ||
      variant.startsWith('nestjs-rfs')) &&
    echoed !== 'bench-check'
  )
    throw new Error(`${variant}: x-correlation-id not echoed (got ${echoed})`);
  if (
    (variant === 'floor' || variant.startsWith('nestjs-rfs')) &&
    !res.headers.get('server-timing')?.startsWith('app;dur=')
  )
    throw new Error(`${variant}: no server-timing header`);
}

/** Whether autocannon and the apps ran on separate CPUs (see `pinLoadAndApps`). */
let pinned = false;

async function benchAdapter(
  adapter: 'express' | 'fastify',
): Promise<VariantReport[]> {
  const script = join(__dirname, 'http-server.ts');
  const servers = await Promise.all(
    VARIANTS.map((v) => startServer(`${v}/${adapter}`, script, [v, adapter])),
  );
  try {
    pinned = pinLoadAndApps(servers.map((s) => s.child.pid!));
    for (let i = 0; i < VARIANTS.length; i++)
      await check(servers[i].url, VARIANTS[i]);
    for (const s of servers)
      await load(`${s.url}${PATH}`, WARMUP_S, CONNECTIONS);
    const rounds: RoundResult[][] = VARIANTS.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const i = (k + r) % VARIANTS.length;
        const before = (await servers[i].usage()).cpu;
        const loaded = await load(
          `${servers[i].url}${PATH}`,
          ROUND_S,
          CONNECTIONS,
        );
        const after = (await servers[i].usage()).cpu;
        const result: RoundResult = {
          ...loaded,
          cpuUsPerRequest:
            (after.user + after.system - before.user - before.system) /
            loaded.responses,
        };
        if (result.failures > 0)
          throw new Error(
            `${VARIANTS[i]}/${adapter}: ${result.failures} failed requests`,
          );
        rounds[i].push(result);
        process.stdout.write(
          `  ${adapter} round ${r + 1}/${ROUNDS} ${VARIANTS[i].padEnd(28)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${result.p99Ms} ms  CPU ${result.cpuUsPerRequest.toFixed(0)} µs/req\n`,
        );
      }
    }
    const anchor = rounds[VARIANTS.indexOf(ANCHOR)];
    const bare = rounds[VARIANTS.indexOf('bare')];
    return VARIANTS.map((variant, i) => {
      const own = rounds[i];
      return {
        variant,
        label: LABELS[variant],
        requestsPerSecond: median(own.map((x) => x.requestsPerSecond)),
        p50Ms: median(own.map((x) => x.p50Ms)),
        p99Ms: median(own.map((x) => x.p99Ms)),
        rpsRatio: median(
          own.map((x, r) => x.requestsPerSecond / anchor[r].requestsPerSecond),
        ),
        p99Ratio: median(own.map((x, r) => x.p99Ms / anchor[r].p99Ms)),
        rpsVsBare: median(
          own.map((x, r) => x.requestsPerSecond / bare[r].requestsPerSecond),
        ),
        cpuUsPerRequest: median(own.map((x) => x.cpuUsPerRequest)),
        cpuRatio: median(
          own.map((x, r) => x.cpuUsPerRequest / anchor[r].cpuUsPerRequest),
        ),
        rounds: own,
      };
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function goalsOf(
  adapter: string,
  reports: VariantReport[],
  variant: Variant = 'nestjs-rfs',
): Goal[] {
  const by = (v: Variant) => reports.find((r) => r.variant === v)!;
  const rfs = by(variant);
  const name = GOAL_NAMES[variant] ?? variant;
  const diy = by('diy');
  const diyRounds = diy.rounds;
  const vsDiy = median(
    rfs.rounds.map(
      (x, r) => x.requestsPerSecond / diyRounds[r].requestsPerSecond,
    ),
  );
  return [
    {
      goal: `${name} req/s ÷ nestjs-pino req/s ≥ 0.90`,
      measured: rfs.rpsRatio,
      limit: 0.9,
      min: true,
    },
    {
      goal: `${name} p99 ÷ nestjs-pino p99 ≤ 1.20`,
      measured: rfs.p99Ratio,
      limit: 1.2,
      min: false,
    },
    {
      goal: `${name} req/s ÷ DIY req/s ≥ 1.30`,
      measured: vsDiy,
      limit: 1.3,
      min: true,
    },
  ].map((g) => ({
    adapter,
    goal: g.goal,
    measured: g.measured,
    limit: g.limit,
    met: g.min ? g.measured >= g.limit : g.measured <= g.limit,
  }));
}

/** nestjs-rfs against the hand-written floor, round by round (informational: no goal). */
interface FloorComparison {
  adapter: string;
  variant: Variant;
  /** Median over rounds of req/s ÷ the floor's req/s in the same round. */
  rpsRatio: number;
  /** Median over rounds of CPU per request ÷ the floor's in the same round. */
  cpuRatio: number;
  /** The floor's own req/s ÷ nestjs-pino's (median over rounds). */
  floorVsAnchor: number;
}

function floorComparisons(
  adapter: string,
  reports: VariantReport[],
): FloorComparison[] {
  const floor = reports.find((r) => r.variant === 'floor')!;
  return reports
    .filter((r) => r.variant.startsWith('nestjs-rfs'))
    .map((r) => ({
      adapter,
      variant: r.variant,
      rpsRatio: median(
        r.rounds.map(
          (x, i) => x.requestsPerSecond / floor.rounds[i].requestsPerSecond,
        ),
      ),
      cpuRatio: median(
        r.rounds.map(
          (x, i) => x.cpuUsPerRequest / floor.rounds[i].cpuUsPerRequest,
        ),
      ),
      floorVsAnchor: floor.rpsRatio,
    }));
}

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const machine = machineInfo();
  const results: Record<string, VariantReport[]> = {};
  const goals: Goal[] = [];
  const vsFloor: FloorComparison[] = [];
  for (const adapter of ADAPTERS) {
    results[adapter] = await benchAdapter(adapter);
    vsFloor.push(...floorComparisons(adapter, results[adapter]));
    goals.push(...goalsOf(adapter, results[adapter]));
    goals.push(
      ...goalsOf(adapter, results[adapter], 'nestjs-rfs+interceptor-pipeline'),
      ...goalsOf(adapter, results[adapter], 'nestjs-rfs+two-lines'),
    );
  }

  const lines = [
    '# HTTP: nestjs-rfs against nestjs-pino, a DIY stack and bare Nest',
    '',
    `GET ${PATH} returning a small JSON object from a service that returns a \`MonoResult\` (one async step). Each app runs in its own child process (logs to /dev/null); autocannon drives it from the parent on 127.0.0.1 with ${CONNECTIONS} connections (keep-alive, no pipelining)${pinned ? '; autocannon is pinned to CPU 0 and the apps to CPU 1 (`taskset -a`), so load generator and app never share a core' : ''}. ${WARMUP_S} s warm-up per app, then ${ROUNDS} interleaved rounds × ${ROUND_S} s (every app once per round, order rotated). req/s and p99 are medians over rounds; ratios are taken within a round (median over rounds). "CPU/req" is the app process's CPU time (user + system) per response: on a shared CPU it is steadier than req/s.`,
    '',
    '- nestjs-pino: `LoggerModule.forRoot()` (pino-http "request completed" line). **Anchor.**',
    '- nestjs-pino + no-op interceptor: the anchor plus one global `intercept(_, next) { return next.handle(); }`: the floor of any stack that handles results in a Nest interceptor.',
    '- DIY: nestjs-pino (`genReqId` from the header) + nestjs-cls 6 middleware (request id) + a global prom-client histogram interceptor echoing the id.',
    "- Hand-written floor: nestjs-pino + what the nestjs-rfs defaults put on the wire, in the log line and in Prometheus, written by hand with no library (`http-apps.floor.ts`): an AsyncLocalStorage entered from the adapter's request hook with the correlation id, the controller timing its own call, `x-correlation-id` and `server-timing` headers, two prom-client histograms and two counters (cached label children), and the operation, outcome, durationMs and http fields on pino-http's line. No windows, no alerts, no Result → HTTP mapping.",
    "- nestjs-rfs defaults: `LoggerModule.forRoot({ pinoHttp: rfsPinoHttp() })` + `RfsModule.forRoot({ environment: 'production' })` with their defaults: correlation context, the Result → HTTP pass without interceptor (`http.pipeline: 'auto'` → `'handler'`: route methods are wrapped at startup, the correlation context carries the response; the handler returns the MonoResult), the Result fields (operation, outcome, durationMs, error, http) on pino-http's \"request completed\" line (`resultLine: 'merge'`: one line per request, as with the anchor), Prometheus series and windows, alerts evaluation.",
    "- nestjs-rfs, pipeline 'interceptor': the same with `http: { pipeline: 'interceptor' }` (the global ResultInterceptor).",
    "- nestjs-rfs, two lines: the defaults with `rfsPinoHttp(undefined, { resultLine: 'separate' })`: a Result line (ResultLogEntry) per request next to pino-http's line.",
    '',
    `- Date: ${date}`,
    `- Node ${machine.node} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}; load average ${machine.loadAverage} at start (shared machine: absolute numbers vary, compare ratios)`,
    '',
  ];
  for (const adapter of ADAPTERS) {
    lines.push(
      `## ${adapter}`,
      '',
      '| stack | req/s | p50 | p99 | CPU/req | req/s vs nestjs-pino | p99 vs nestjs-pino | CPU/req vs nestjs-pino | req/s vs bare |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results[adapter].map(
        (r) =>
          `| ${r.label}${r.variant === ANCHOR ? ' (anchor)' : ''} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.cpuUsPerRequest.toFixed(0)} µs | ${r.rpsRatio.toFixed(2)} | ${r.p99Ratio.toFixed(2)} | ${r.cpuRatio.toFixed(2)} | ${r.rpsVsBare.toFixed(2)} |`,
      ),
      '',
    );
  }
  lines.push(
    '## Against the hand-written floor',
    '',
    'The same rounds, nestjs-rfs ÷ the hand-written floor (the work of the defaults without a library; informational, no goal). The last column is the floor itself against nestjs-pino: what the req/s goal leaves for everything the floor does not do.',
    '',
    '| adapter | stack | req/s vs floor | CPU/req vs floor | floor req/s vs nestjs-pino |',
    '| --- | --- | ---: | ---: | ---: |',
    ...vsFloor.map(
      (f) =>
        `| ${f.adapter} | ${GOAL_NAMES[f.variant] ?? f.variant} | ${f.rpsRatio.toFixed(2)} | ${f.cpuRatio.toFixed(2)} | ${f.floorVsAnchor.toFixed(2)} |`,
    ),
    '',
    '## Goals',
    '',
    '| adapter | goal | measured | met |',
    '| --- | --- | ---: | :---: |',
    ...goals.map(
      (g) =>
        `| ${g.adapter} | ${g.goal} | ${g.measured.toFixed(2)} | ${g.met ? 'yes' : '**no**'} |`,
    ),
    '',
  );
  const md = lines.join('\n');
  writeResults('http', md, {
    date,
    machine,
    anchor: ANCHOR,
    config: {
      rounds: ROUNDS,
      roundSeconds: ROUND_S,
      warmupSeconds: WARMUP_S,
      connections: CONNECTIONS,
      tool: `autocannon ${AUTOCANNON_VERSION}`,
    },
    results,
    vsFloor,
    goals,
  });
  if (goals.some((g) => !g.met) && process.env.BENCH_STRICT === '1')
    process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
