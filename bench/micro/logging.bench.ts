// @LogResultOperation on an async Result method vs the undecorated method vs one hand-written
// pino line + timing, in one run. Lines go to an in-memory pino destination (no I/O), inside a
// correlation context, as in a request. "written": the Ok line is logged. "below level": the
// logger is at `warn` and the Result logger is the only listener, so Ok lines are not written
// and no ok event is built (Err lines and defects still are; a metrics listener would get every
// event).
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { CorrelationContext } from '../../lib/correlation/correlation-context';
import { LogResultOperation } from '../../lib/logging/log-result-operation.decorator';
import { ResultLogger } from '../../lib/logging/result-logger';
import { OperationHub } from '../../lib/operations/operation-hub';
import { err, ok, type Result } from '../../lib/result/result';
import { benchSuite, median, type SuiteReport } from '../harness';

let bytes = 0;
const destination = {
  write(line: string): void {
    bytes += line.length;
  },
};
const infoLogger = pino({ level: 'info' }, destination);
const warnLogger = pino({ level: 'warn' }, destination);
const settings = {
  serviceName: 'bench',
  environment: 'bench',
  logging: {},
} as const;

function hubWith(logger: pino.Logger | PinoLogger): OperationHub {
  const hub = new OperationHub();
  hub.addListener(new ResultLogger(logger, settings));
  return hub;
}
const writtenHub = hubWith(infoLogger);
const belowLevelHub = hubWith(warnLogger);
// What RfsModule uses in an app: nestjs-pino's PinoLogger, whose logger is the request's logger
// inside a request, so the Result logger asks for the level on every call.
const belowLevelNestjsPinoHub = hubWith(
  new PinoLogger({ pinoHttp: { logger: warnLogger } }),
);

class Orders {
  async plain(n: number): Promise<Result<number, string>> {
    return n > 0 ? ok(n) : err('must be positive');
  }

  @LogResultOperation('orders.find')
  async decorated(n: number): Promise<Result<number, string>> {
    return n > 0 ? ok(n) : err('must be positive');
  }
}
const orders = new Orders();

/** What a careful developer would write by hand: time the call, write one pino line. */
async function handWritten(n: number): Promise<Result<number, string>> {
  const start = performance.now();
  const r = await orders.plain(n);
  const durationMs = performance.now() - start;
  infoLogger.info(
    {
      service: 'bench',
      environment: 'bench',
      correlationId: CorrelationContext.getId(),
      operation: 'orders.find',
      outcome: r.isOk() ? 'ok' : 'err',
      durationMs,
    },
    'orders.find ok',
  );
  return r;
}

// The floor cases use the clock the decorator uses: one `performance` reference read once
// (the global getter costs ~15 ns more per read).
const perf = performance;
const rethrow = (e: unknown): never => {
  throw e;
};
const passThrough = <T>(r: T): T => r;
let _elapsed = 0;

/** The floor of any observer of an async call: two clock reads and one promise reaction. */
function timedThen(n: number): Promise<Result<number, string>> {
  const start = perf.now();
  return orders.plain(n).then((r) => {
    _elapsed = perf.now() - start;
    return r;
  }, rethrow);
}

/** Part of the floor: one promise reaction, no timing. */
function oneThen(n: number): Promise<Result<number, string>> {
  return orders.plain(n).then(passThrough, rethrow);
}

/** Part of the floor: two clock reads, no promise reaction. */
function twoClockReads(n: number): Promise<Result<number, string>> {
  const start = perf.now();
  const p = orders.plain(n);
  _elapsed = perf.now() - start;
  return p;
}

const inputs = Array.from({ length: 1024 }, (_, k) => k + 1);
let i = 0;
const next = (): number => inputs[i++ & 1023];

const WRITTEN = 'Ok line written';
const FLOOR = 'timing + one .then (floor)';
const ONE_THEN = 'one .then, no timing';
const TWO_CLOCKS = 'two clock reads, no .then';
const DECORATED_BELOW = '@LogResultOperation (below level)';
const DECORATED_BELOW_NESTJS_PINO =
  '@LogResultOperation (below level, nestjs-pino PinoLogger)';
const BELOW = 'Ok line below level';
const ANCHOR_WRITTEN = 'pino line + timing (by hand)';

async function check(): Promise<void> {
  OperationHub.setCurrent(writtenHub);
  const before = bytes;
  const r = await orders.decorated(3);
  if (!r.isOk() || r.value !== 3 || bytes === before) {
    throw new Error('decorated method did not return Ok(3) and write a line');
  }
  OperationHub.setCurrent(belowLevelHub);
  const b2 = bytes;
  await orders.decorated(3);
  if (bytes !== b2) throw new Error('a line was written below the level');
}

function run(): Promise<SuiteReport> {
  return benchSuite({
    name: 'logging',
    title: '@LogResultOperation overhead on an async Result method',
    description:
      'An async method returning Ok(n), called per case; lines go to an in-memory pino destination inside a correlation context. "Ok line written": the decorator (timing + one operation event + the ResultLogger line) vs one hand-written pino line with the same fields + performance.now() timing (anchor). Goal: ≤ 1.3×. "Ok line below level": the logger is at warn; the Result logger is the only listener, so the decorator times the call and waits for its promise (Err lines, defects and slow Ok lines are still written) but builds no ok event; with metrics on, the event is built for them. Goal: ≤ 300 ns over the undecorated call (see "Overhead" below the tables). "timing + one .then (floor)" is the least any observer of an async call costs (two clock reads + one promise reaction); its two parts are measured alone. On Node 20 with AsyncLocalStorage active (nestjs-pino and the correlation middleware use it on every request) each extra promise runs the async hooks.',
    anchor: ANCHOR_WRITTEN,
    // more, shorter rounds (same total time): the below-level differences are paired by round
    ...(process.env.BENCH_QUICK === '1' ? {} : { rounds: 20, timeMs: 50 }),
    goals: { '@LogResultOperation': 1.3 },
    comparisons: {
      [WRITTEN]: {
        [ANCHOR_WRITTEN]: () => {
          OperationHub.setCurrent(writtenHub);
          return handWritten(next());
        },
        undecorated: () => {
          OperationHub.setCurrent(writtenHub);
          return orders.plain(next());
        },
        '@LogResultOperation': () => {
          OperationHub.setCurrent(writtenHub);
          return orders.decorated(next());
        },
      },
      [BELOW]: {
        [ANCHOR_WRITTEN]: () => {
          OperationHub.setCurrent(belowLevelHub);
          return handWritten(next());
        },
        undecorated: () => {
          OperationHub.setCurrent(belowLevelHub);
          return orders.plain(next());
        },
        [ONE_THEN]: () => {
          OperationHub.setCurrent(belowLevelHub);
          return oneThen(next());
        },
        [TWO_CLOCKS]: () => {
          OperationHub.setCurrent(belowLevelHub);
          return twoClockReads(next());
        },
        [FLOOR]: () => {
          OperationHub.setCurrent(belowLevelHub);
          return timedThen(next());
        },
        [DECORATED_BELOW]: () => {
          OperationHub.setCurrent(belowLevelHub);
          return orders.decorated(next());
        },
        [DECORATED_BELOW_NESTJS_PINO]: () => {
          OperationHub.setCurrent(belowLevelNestjsPinoHub);
          return orders.decorated(next());
        },
      },
    },
  });
}

/**
 * Adds the absolute below-level numbers (differences over the undecorated call, not ratios) to
 * the results files: the decorator's overhead against the 300 ns goal, and the floor (timing +
 * one promise reaction) with its two parts, so a goal below the floor shows as such.
 */
function recordOverhead(report: SuiteReport): void {
  const below = report.comparisons.find((c) => c.name === BELOW);
  const rounds = (name: string): number[] =>
    below?.cases.find((c) => c.name === name)?.roundMediansNs ?? [];
  const baseRounds = rounds('undecorated');
  const base = median(baseRounds);
  // Paired by round (cases of one round run back to back), then the median over rounds: the
  // shared machine's speed drifts between rounds, and a difference of two medians mixes them.
  const ns = (name: string): number => {
    const r = rounds(name);
    if (r.length === 0 || r.length !== baseRounds.length) return NaN;
    return median(r.map((v, k) => v - baseRounds[k]));
  };
  const overheadNs = ns(DECORATED_BELOW);
  const floorNs = ns(FLOOR);
  const thenNs = ns(ONE_THEN);
  const clocksNs = ns(TWO_CLOCKS);
  if (!Number.isFinite(overheadNs)) return;
  const goalNs = 300;
  const met = overheadNs <= goalNs;
  const overFloorNs = overheadNs - floorNs;
  const nestjsPinoNs = ns(DECORATED_BELOW_NESTJS_PINO);
  const f = (x: number): string => `${x.toFixed(0)} ns`;
  const text = [
    `Overhead with Ok lines below the level (time per call minus the undecorated call's ${f(base)} in the same round; median over rounds):`,
    '',
    '| what | ns over the undecorated call |',
    '| --- | ---: |',
    `| goal for @LogResultOperation | ≤ ${goalNs} |`,
    `| @LogResultOperation (below level) | **${overheadNs.toFixed(0)}** (${met ? 'met' : 'MISSED'}) |`,
    `| floor: timing + one .then | ${floorNs.toFixed(0)} |`,
    `| … one .then alone (one promise + its reaction, async hooks on) | ${thenNs.toFixed(0)} |`,
    `| … two clock reads alone | ${clocksNs.toFixed(0)} |`,
    `| @LogResultOperation minus the floor | ${overFloorNs.toFixed(0)} |`,
    `| @LogResultOperation on nestjs-pino's PinoLogger (level asked per call) | ${nestjsPinoNs.toFixed(0)} |`,
    '',
    `Below the level the decorator adds one promise (its \`.then\`) and two clock reads (the end read decides \`slow\`, default slowMs 1000), builds no event unless a listener wants Ok events (metrics do), and still logs Err lines and defects.${floorNs > goalNs ? ` The floor itself is over the ${goalNs} ns goal in this run, so no observer that times the call and waits for its promise could meet it.` : ''} Each clock read (\`performance.now()\`) is a call into Node's C++ binding, ~45–50 ns here. The goal is absolute while this shared 2-core machine slows down as a whole under other load (the undecorated call took 200–440 ns across runs) and every difference scales with it: judge the decorator against the floor measured in the same run. Seed's claim to beat: < 2 ms per operation.`,
  ].join('\n');
  console.log(text);
  const dir = join(__dirname, '..', 'results');
  try {
    const jsonPath = join(dir, 'logging.json');
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<
      string,
      unknown
    >;
    json.belowLevelOverhead = {
      undecoratedNs: base,
      overheadNs,
      goalNs,
      met,
      floorNs,
      oneThenNs: thenNs,
      twoClockReadsNs: clocksNs,
      overFloorNs,
      nestjsPinoOverheadNs: nestjsPinoNs,
    };
    writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    const mdPath = join(dir, 'logging.md');
    writeFileSync(
      mdPath,
      `${readFileSync(mdPath, 'utf8').trimEnd()}\n\n${text}\n`,
    );
  } catch (e) {
    console.error('could not record the overhead:', e);
  }
  if (!met && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

void CorrelationContext.run('bench-correlation-id', () =>
  check().then(run).then(recordOverhead),
);
