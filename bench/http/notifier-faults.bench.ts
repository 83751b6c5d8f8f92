// Request latency while the alert notifier's receiver misbehaves. Seven copies of the same app
// (notifier-faults-server.ts: four resources, one error-rate alert rule, a webhook notifier)
// run in child processes and get the same traffic mix: autocannon (127.0.0.1, keep-alive)
// cycling through 40 GETs of which 30% are Err not-found answers (404
// problem+json), so the rule's condition is identical everywhere. Only the alerting differs:
//   baseline   the same rule with threshold 1 (an error rate never exceeds it): nothing fires
//   baseline-2 a second copy of the baseline: its ratio is the noise floor of the measurement
//   healthy    firing; the receiver answers 200 at once
//   slow       firing; the receiver answers after 400 ms
//   hanging    firing; the receiver reads the request and never answers (1 s timeouts)
//   500s       firing; the receiver answers 500 (retried with backoff)
//   refusing   firing; nothing listens on the receiver's port
// Receivers run in this (parent) process. After a warm-up, every round loads all seven apps at
// once at a fixed rate below saturation (open-loop pacing by autocannon's overallRate), so noise
// from the shared machine hits every condition alike; p99 ÷ the baseline's p99 is taken within
// a round, then the median over rounds is reported. Writes bench/results/notifier-faults.json
// and .md.
// Environment: BENCH_QUICK=1 (2 × 1 s rounds), BENCH_NOTIFIER_SECONDS=n (round length),
// BENCH_NOTIFIER_ROUNDS=n, BENCH_NOTIFIER_RATE=n (req/s per app), BENCH_STRICT=1 (exit 1 when a goal is missed).
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { machineInfo, median, quantile, writeResults } from '../harness';
import { type ServerProcess, startServer } from './http-load';
import {
  type AlertsReport,
  type LoopDelayReport,
  RESOURCES,
} from './notifier-faults.protocol';

const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_NOTIFIER_ROUNDS ?? (quick ? 2 : 6));
const ROUND_S = Number(process.env.BENCH_NOTIFIER_SECONDS ?? (quick ? 1 : 3));
const WARMUP_S = quick ? 1 : 2;
const CONNECTIONS = 10;
/** Requests per second per app (all seven apps are loaded at once). */
const RATE = Number(process.env.BENCH_NOTIFIER_RATE ?? 40);
const SLOW_MS = 400;
const GOAL = 1.1;
const AUTOCANNON_VERSION = (
  JSON.parse(
    readFileSync(require.resolve('autocannon/package.json'), 'utf8'),
  ) as { version: string }
).version;

type Behaviour = 'ok' | 'slow' | 'hang' | 'error' | 'refuse';

interface Condition {
  name: string;
  label: string;
  behaviour: Behaviour;
  /** Alert threshold on the error rate (30%): 0.1 fires, 1 never does. */
  threshold: number;
  /** Part of the goals (the reference rows are not). */
  goal: boolean;
}

const ANCHOR = 'baseline';
const CONDITIONS: Condition[] = [
  {
    name: ANCHOR,
    label: 'no alert firing (same rule, threshold 1), healthy receiver',
    behaviour: 'ok',
    threshold: 1,
    goal: false,
  },
  {
    name: 'baseline-2',
    label:
      'noise floor: a second, identical copy of the baseline (its ratio is what chance alone gives)',
    behaviour: 'ok',
    threshold: 1,
    goal: false,
  },
  {
    name: 'healthy',
    label: 'firing, receiver answers 200 at once',
    behaviour: 'ok',
    threshold: 0.1,
    goal: true,
  },
  {
    name: 'slow',
    label: `firing, receiver answers after ${SLOW_MS} ms`,
    behaviour: 'slow',
    threshold: 0.1,
    goal: true,
  },
  {
    name: 'hanging',
    label: 'firing, receiver never answers (1 s timeouts)',
    behaviour: 'hang',
    threshold: 0.1,
    goal: true,
  },
  {
    name: '500s',
    label: 'firing, receiver answers 500',
    behaviour: 'error',
    threshold: 0.1,
    goal: true,
  },
  {
    name: 'refusing',
    label: 'firing, connection refused',
    behaviour: 'refuse',
    threshold: 0.1,
    goal: true,
  },
];

/** The traffic of every condition: each resource with ids 0–9, ids 0, 3, 6 failing (30%). */
const REQUESTS = Array.from({ length: 10 }, (_, i) =>
  RESOURCES.map((r) => ({
    method: 'GET' as const,
    path: `/${r}/${i % 3 === 0 && i < 9 ? `missing-${i}` : i}`,
  })),
).flat();

/** A webhook receiver in this process; counts the requests it read. */
interface Receiver {
  url: string;
  requests: number;
  close(): Promise<void>;
}

async function startReceiver(behaviour: Behaviour): Promise<Receiver> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      receiver.requests++;
      if (behaviour === 'hang') return;
      if (behaviour === 'error') {
        res.statusCode = 500;
        res.end('receiver down');
      } else if (behaviour === 'slow') setTimeout(() => res.end(), SLOW_MS);
      else res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  if (behaviour === 'refuse') await close(); // the port is free again: connections are refused
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    requests: 0,
    close: behaviour === 'refuse' ? () => Promise.resolve() : close,
  };
  return receiver;
}

/** Asks the child app for a report (`'alerts'` or `'loop'`). */
function ask<R extends { type: string }>(
  server: ServerProcess,
  type: R['type'],
): Promise<R> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string }) => {
      if (m.type !== type) return;
      server.child.off('message', onMessage);
      resolve(m as R);
    };
    server.child.on('message', onMessage);
    server.child.send(type);
  });
}

const alertsOf = (server: ServerProcess) => ask<AlertsReport>(server, 'alerts');

interface RoundResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** App CPU time (user + system) per response, µs. */
  cpuUsPerRequest: number;
  /** The app's event-loop delay during the round: p99 and max, ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  non2xx: number;
  failures: number;
  /** Every response's latency, ms (pooled over rounds for the p99; not written to the JSON). */
  latencies: number[];
}

/** One autocannon run at a fixed rate (`rate` req/s; 0: as fast as `CONNECTIONS` allow). */
async function round(
  server: ServerProcess,
  seconds: number,
  rate = RATE,
): Promise<RoundResult> {
  const before = (await server.usage()).cpu;
  await ask<LoopDelayReport>(server, 'loop'); // resets the child's histogram
  const latencies: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: server.url,
        connections: CONNECTIONS,
        duration: seconds,
        pipelining: 1,
        requests: REQUESTS,
        ...(rate > 0 ? { overallRate: rate } : {}),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    run.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  const loop = await ask<LoopDelayReport>(server, 'loop');
  const after = (await server.usage()).cpu;
  const responses = r['2xx'] + r.non2xx;
  return {
    loopP99Ms: loop.p99Ms,
    loopMaxMs: loop.maxMs,
    requestsPerSecond: responses / r.duration,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    cpuUsPerRequest:
      (after.user + after.system - before.user - before.system) / responses,
    non2xx: r.non2xx,
    failures: r.errors + r.timeouts,
    latencies,
  };
}

interface ConditionReport {
  name: string;
  label: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  /** Requests measured (all rounds); p50Ms and p99Ms are over all of them. */
  requests: number;
  /** p99 over all rounds ÷ the baseline's (every app was loaded at the same time). */
  p99Ratio: number;
  /** Median, min and max over rounds of p99 ÷ the baseline's p99 in the same round. */
  roundP99Ratio: number;
  roundP99RatioMin: number;
  roundP99RatioMax: number;
  /** Median over rounds of the app's event-loop delay p99, and its ratio to the baseline's. */
  loopP99Ms: number;
  loopP99Ratio: number;
  /** Median over rounds of req/s ÷ the baseline's in the same round. */
  rpsRatio: number;
  /** Median over rounds of CPU per request ÷ the baseline's in the same round. */
  cpuRatio: number;
  /** Share of non-2xx answers (the 404s of the traffic mix). */
  errorShare: number;
  /** The alert pipeline at the end of the run. */
  alerts: AlertsReport;
  receiverRequests: number;
  rounds: Omit<RoundResult, 'latencies'>[];
}

/** Waits (bounded) until the notifier has met its receiver's behaviour. */
async function exercised(
  c: Condition,
  server: ServerProcess,
  receiver: Receiver,
): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const a = await alertsOf(server);
    const met =
      c.threshold >= 1
        ? a.events === 0
        : c.behaviour === 'ok' || c.behaviour === 'slow'
          ? receiver.requests > 0 && a.firing > 0
          : a.failed > 0;
    if (met) return;
    if (Date.now() > until)
      throw new Error(
        `${c.name}: the notifier did not meet the receiver within 30 s (${JSON.stringify(a)}, receiver saw ${receiver.requests})`,
      );
    await round(server, 0.5); // traffic makes the rule's condition true
  }
}

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const machine = machineInfo();
  const started = Date.now();
  const script = join(__dirname, 'notifier-faults-server.ts');
  const receivers = await Promise.all(
    CONDITIONS.map((c) => startReceiver(c.behaviour)),
  );
  const servers = await Promise.all(
    CONDITIONS.map((c, i) =>
      startServer(`notifier-faults/${c.name}`, script, [
        receivers[i].url,
        String(c.threshold),
      ]),
    ),
  );
  const rounds: RoundResult[][] = CONDITIONS.map(() => []);
  const reports: ConditionReport[] = [];
  try {
    // Warm-up at full speed (JIT, connection pools), then hold until every notifier has met
    // its receiver's behaviour.
    const phase = (what: string) =>
      process.stdout.write(
        `  ${what} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    phase(`${servers.length} apps listening`);
    await Promise.all(servers.map((s) => round(s, WARMUP_S, 0)));
    await Promise.all(
      CONDITIONS.map((c, i) => exercised(c, servers[i], receivers[i])),
    );
    phase('warm-up done, every notifier met its receiver');
    for (let r = 0; r < ROUNDS; r++) {
      // Every app is loaded at the same time: whatever else runs on the machine during this
      // round hits all conditions alike.
      const results = await Promise.all(servers.map((s) => round(s, ROUND_S)));
      results.forEach((result, i) => {
        if (result.failures > 0)
          throw new Error(
            `${CONDITIONS[i].name}: ${result.failures} connection errors or timeouts`,
          );
        rounds[i].push(result);
        process.stdout.write(
          `  round ${r + 1}/${ROUNDS} ${CONDITIONS[i].name.padEnd(9)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms.toFixed(1)} ms  p99 ${result.p99Ms.toFixed(1)} ms  CPU ${result.cpuUsPerRequest.toFixed(0)} µs/req  loop p99 ${result.loopP99Ms.toFixed(1)} ms\n`,
        );
      });
    }
    const anchor = rounds[CONDITIONS.findIndex((c) => c.name === ANCHOR)];
    for (let i = 0; i < CONDITIONS.length; i++) {
      const own = rounds[i];
      const p99Ratios = own.map((x, r) => x.p99Ms / anchor[r].p99Ms);
      const all = own.flatMap((x) => x.latencies);
      const anchorAll = anchor.flatMap((x) => x.latencies);
      const total = own.reduce((s, x) => s + x.requestsPerSecond * ROUND_S, 0);
      reports.push({
        name: CONDITIONS[i].name,
        label: CONDITIONS[i].label,
        requestsPerSecond: median(own.map((x) => x.requestsPerSecond)),
        requests: all.length,
        p50Ms: quantile(all, 0.5),
        p99Ms: quantile(all, 0.99),
        p99Ratio: quantile(all, 0.99) / quantile(anchorAll, 0.99),
        roundP99Ratio: median(p99Ratios),
        roundP99RatioMin: quantile(p99Ratios, 0),
        roundP99RatioMax: quantile(p99Ratios, 1),
        cpuUsPerRequest: median(own.map((x) => x.cpuUsPerRequest)),
        loopP99Ms: median(own.map((x) => x.loopP99Ms)),
        loopP99Ratio: median(
          own.map((x, r) => x.loopP99Ms / anchor[r].loopP99Ms),
        ),
        rpsRatio: median(
          own.map((x, r) => x.requestsPerSecond / anchor[r].requestsPerSecond),
        ),
        cpuRatio: median(
          own.map((x, r) => x.cpuUsPerRequest / anchor[r].cpuUsPerRequest),
        ),
        errorShare: own.reduce((s, x) => s + x.non2xx, 0) / total,
        alerts: await alertsOf(servers[i]),
        receiverRequests: receivers[i].requests,
        rounds: own.map(({ latencies: _, ...rest }) => rest),
      });
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(receivers.map((r) => r.close()));
  }

  const goals = reports
    .filter((r, i) => CONDITIONS[i].goal)
    .map((r) => ({
      goal: `${r.name}: p99 ÷ baseline p99 ≤ ${GOAL.toFixed(2)}`,
      measured: r.p99Ratio,
      limit: GOAL,
      met: r.p99Ratio <= GOAL,
    }));
  const seconds = (Date.now() - started) / 1000;
  const lines = [
    '# Request latency while the alert receiver fails',
    '',
    `Seven copies of one app (two of them identical baselines; Express, nestjs-pino + RfsModule in production mode, four resources, one alert rule \`errorRate > threshold\` over \`*.get\` with a 1 s cooldown, 250 ms evaluation, a \`WebhookAlertNotifier\` with 1 s timeout, 1 retry, maxQueue 200), each in its own child process, get the same traffic: autocannon on 127.0.0.1, ${RATE} req/s per app over ${CONNECTIONS} keep-alive connections, cycling through ${REQUESTS.length} GETs of which 30% are Err not-found (404 problem+json). The rule's condition is the same everywhere; only the alerting differs. ${WARMUP_S} s warm-up at full speed, then each firing condition is held until its notifier has met the receiver (a delivery or a failed attempt), then ${ROUNDS} rounds × ${ROUND_S} s in which **all seven apps are loaded at the same time** (a fixed rate below saturation, so p99 shows stalls of the app's event loop, and whatever else runs on the shared machine hits every condition alike). "Event-loop delay" is each app's own \`monitorEventLoopDelay\` p99 during the round: work a notifier did on the loop would show there first. p50 and p99 are over every request of all rounds (${RATE * ROUND_S * ROUNDS} per app: as all apps ran at the same time, pooling is as fair as pairing rounds, and a p99 over ~100 requests of one round is mostly its slowest request); the per-round ratios show the spread. req/s, CPU/req and event-loop delay are medians over rounds. Whole run: ${seconds.toFixed(0)} s.`,
    '',
    `- Date: ${date}`,
    `- Node ${machine.node} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}; load average ${machine.loadAverage} at start (shared machine: compare ratios)`,
    '',
    '| condition | req/s | p50 | p99 | CPU/req | event-loop delay p99 | p99 ÷ baseline | per-round p99 ÷ baseline: median (min–max) | req/s ÷ baseline | CPU/req ÷ baseline | loop delay p99 ÷ baseline | alert events | failed attempts | dropped |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...reports.map(
      (r) =>
        `| ${r.name}${r.name === ANCHOR ? ' (anchor)' : ''}: ${r.label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(1)} ms | ${r.p99Ms.toFixed(1)} ms | ${r.cpuUsPerRequest.toFixed(0)} µs | ${r.loopP99Ms.toFixed(1)} ms | **${r.p99Ratio.toFixed(2)}** | ${r.roundP99Ratio.toFixed(2)} (${r.roundP99RatioMin.toFixed(2)}–${r.roundP99RatioMax.toFixed(2)}) | ${r.rpsRatio.toFixed(2)} | ${r.cpuRatio.toFixed(2)} | ${r.loopP99Ratio.toFixed(2)} | ${r.alerts.events} | ${r.alerts.failed} | ${r.alerts.dropped} |`,
    ),
    '',
    '## Goals',
    '',
    '| goal | measured | met |',
    '| --- | ---: | :---: |',
    `| (no goal) noise floor: baseline-2 p99 ÷ baseline p99, what chance alone gave in this run | ${reports.find((r) => r.name === 'baseline-2')!.p99Ratio.toFixed(2)} | – |`,
    ...goals.map(
      (g) =>
        `| ${g.goal} | ${g.measured.toFixed(2)} | ${g.met ? 'yes' : '**no**'} |`,
    ),
    '',
  ];
  const md = lines.join('\n');
  writeResults('notifier-faults', md, {
    date,
    machine,
    anchor: ANCHOR,
    config: {
      rounds: ROUNDS,
      roundSeconds: ROUND_S,
      warmupSeconds: WARMUP_S,
      connections: CONNECTIONS,
      slowReceiverMs: SLOW_MS,
      requests: REQUESTS.length,
      failingShare: 0.3,
      tool: `autocannon ${AUTOCANNON_VERSION}`,
      seconds,
    },
    conditions: reports,
    goals,
  });
  if (goals.some((g) => !g.met) && process.env.BENCH_STRICT === '1')
    process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
