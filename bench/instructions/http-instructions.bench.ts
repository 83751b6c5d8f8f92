// Instructions per HTTP request: nestjs-rfs (defaults) against nestjs-pino alone, bare Nest and
// the hand-written floor (bench/http/http-apps.floor.ts), counted by valgrind's callgrind.
// Unlike req/s or CPU time, an instruction count does not move with other jobs on a shared
// machine, so it shows how much more work a stack does per request. It does not show memory
// stalls, GC pauses or kernel time, which req/s and CPU time (bench/http) include. V8's
// background TurboFan jobs (OptimizingCompileDispatcher) still run in the measured window, even
// after 10,000 warm-up requests: 100–220k instructions per request on Express, a different
// amount each run (the ~8 % spread of Express totals). The table compares counts without them
// (read from the callgrind profile with callgrind_annotate); totals are listed too.
// Optional (not part of `npm run bench`): `npm run bench:instructions`, needs valgrind
// (`apt-get install -y valgrind`). Each app runs alone under callgrind with instrumentation off
// for its start and a warm-up; it is switched on (`callgrind_control -i on`) for the measured
// requests only.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo, writeResults } from '../harness';
import type { Variant } from '../http/http-apps';

const quick = process.env.BENCH_QUICK === '1';
const WARMUP = Number(process.env.BENCH_INSTR_WARMUP ?? (quick ? 300 : 3000));
const MEASURED = Number(
  process.env.BENCH_INSTR_REQUESTS ?? (quick ? 200 : 2000),
);
const CONNECTIONS = 10;
const ADAPTERS = (process.env.BENCH_HTTP_ADAPTERS ?? 'express,fastify').split(
  ',',
);
const ANCHOR: Variant = 'nestjs-pino';
/** BENCH_INSTR_VARIANTS picks apps; the anchor is always counted (every ratio needs it). */
const PICKED = (
  process.env.BENCH_INSTR_VARIANTS ?? 'bare,nestjs-pino,floor,nestjs-rfs'
)
  .split(',')
  .map((v) => v.trim()) as Variant[];
const VARIANTS: readonly Variant[] = PICKED.includes(ANCHOR)
  ? PICKED
  : [ANCHOR, ...PICKED];
const SERVER = join(__dirname, '..', 'http', 'http-server.ts');
const REGISTER = join(__dirname, '..', 'harness', 'register.js');
const PATH = '/orders/ord-42';

interface Count {
  variant: Variant;
  responses: number;
  instructions: number;
  /** Of `instructions`: V8's background TurboFan compile jobs. */
  jitCompile: number;
  perRequest: number;
  /** Per request without the background compile jobs (what the table compares). */
  steadyPerRequest: number;
}

/** The inclusive instructions of V8's background TurboFan jobs in a callgrind profile. */
function backgroundCompileInstructions(profile: string): number {
  const out = spawnSync(
    'callgrind_annotate',
    ['--inclusive=yes', '--threshold=100', profile],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (out.status !== 0)
    throw new Error(`callgrind_annotate failed: ${out.stderr}`);
  const line = out.stdout
    .split('\n')
    .find((l) =>
      l.includes('OptimizingCompileDispatcher::CompileTask::RunInternal'),
    );
  return line === undefined
    ? 0
    : Number(/^\s*([\d,]+)/.exec(line)?.[1].replace(/,/g, '') ?? 0);
}

/** Starts one app under callgrind, warms it up, counts the instructions of MEASURED requests. */
async function count(variant: Variant, adapter: string): Promise<Count> {
  const profile = join(
    tmpdir(),
    `rfs-bench-callgrind-${process.pid}-${adapter}-${variant}.out`,
  );
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${profile}`,
      process.execPath,
      '--require',
      REGISTER,
      SERVER,
      variant,
      adapter,
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) =>
        reject(
          new Error(
            `${variant}: exited before listening (${code}): ${stderr.slice(-500)}`,
          ),
        ),
      );
      child.on('message', (m: { type?: string; port?: number }) => {
        if (m.type === 'listening' && m.port !== undefined) resolve(m.port);
      });
    });
    const run = async (amount: number): Promise<number> => {
      const r = await autocannon({
        url: `http://127.0.0.1:${port}${PATH}`,
        connections: CONNECTIONS,
        amount,
        pipelining: 1,
      });
      if (r.non2xx > 0 || r.errors > 0)
        throw new Error(`${variant}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      return r['2xx'];
    };
    await run(WARMUP);
    const on = spawnSync('callgrind_control', ['-i', 'on', String(child.pid)]);
    if (on.status !== 0)
      throw new Error(`callgrind_control failed: ${on.stderr}`);
    const responses = await run(MEASURED);
    child.kill('SIGTERM');
    await exited;
    const m = /Collected : (\d+)/.exec(stderr);
    if (!m)
      throw new Error(`${variant}: no instruction count in valgrind's output`);
    const instructions = Number(m[1]);
    const jitCompile = backgroundCompileInstructions(profile);
    return {
      variant,
      responses,
      instructions,
      jitCompile,
      perRequest: instructions / responses,
      steadyPerRequest: (instructions - jitCompile) / responses,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(profile, { force: true });
  }
}

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log(
      'bench:instructions needs valgrind (apt-get install -y valgrind): skipped',
    );
    return;
  }
  const date = new Date().toISOString();
  const machine = machineInfo();
  const results: Record<string, Count[]> = {};
  for (const adapter of ADAPTERS) {
    results[adapter] = [];
    for (const variant of VARIANTS) {
      const c = await count(variant, adapter);
      console.log(
        `${adapter} ${variant}: ${Math.round(c.steadyPerRequest)} instructions/request without background JIT compile (${Math.round(c.perRequest)} in all)`,
      );
      results[adapter].push(c);
    }
  }
  const lines = [
    '# HTTP: instructions per request (callgrind)',
    '',
    `GET ${PATH}, the apps of bench/http (bare Nest; nestjs-pino alone, the anchor; the hand-written floor, which does the work of the nestjs-rfs defaults without a library; nestjs-rfs with its defaults). Each app runs alone under valgrind's callgrind; after ${WARMUP} warm-up requests, instructions are counted for ${MEASURED} requests (autocannon, ${CONNECTIONS} connections) and divided by the responses. Instruction counts do not move with other jobs on the machine; they leave out memory stalls, GC pauses and kernel time (see http.md for req/s and CPU time). V8's background TurboFan compile jobs still run in the measured window, a different amount each run; the comparison leaves them out (the last column has the totals).`,
    '',
    `- Date: ${date}`,
    `- Node ${machine.node} on ${machine.cpu}, ${machine.platform}`,
    '',
    '| adapter | stack | instructions / request | vs nestjs-pino | added to nestjs-pino | in all, with background JIT compile |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const adapter of ADAPTERS) {
    const anchor = results[adapter].find((c) => c.variant === ANCHOR)!;
    for (const c of results[adapter]) {
      lines.push(
        `| ${adapter} | ${c.variant}${c.variant === ANCHOR ? ' (anchor)' : ''} | ${Math.round(c.steadyPerRequest / 1000)}k | ${(c.steadyPerRequest / anchor.steadyPerRequest).toFixed(2)} | ${c.variant === 'nestjs-rfs' || c.variant === 'floor' ? `+${Math.round((c.steadyPerRequest - anchor.steadyPerRequest) / 1000)}k` : ''} | ${Math.round(c.perRequest / 1000)}k |`,
      );
    }
  }
  lines.push('');
  writeResults('http-instructions', lines.join('\n'), {
    date,
    machine,
    anchor: ANCHOR,
    config: {
      warmup: WARMUP,
      measured: MEASURED,
      connections: CONNECTIONS,
      tool: 'valgrind callgrind',
    },
    results,
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
