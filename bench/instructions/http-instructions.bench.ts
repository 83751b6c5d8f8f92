// Instructions per HTTP request: nestjs-rfs (defaults) against nestjs-pino alone, bare Nest and
// the hand-written floor (bench/http/http-apps.floor.ts), counted by valgrind's callgrind.
// Unlike req/s or CPU time, an instruction count does not move with other jobs on a shared
// machine (JIT tiering and GC timing still vary: repeat runs agreed within ~1–3 % on Fastify,
// ~8 % on Express), so it shows
// how much more work a stack does per request. It does not show memory stalls, GC pauses or
// kernel time, which req/s and CPU time (bench/http) include.
// Optional (not part of `npm run bench`): `npm run bench:instructions`, needs valgrind
// (`apt-get install -y valgrind`). Each app runs alone under callgrind with instrumentation off
// for its start and a warm-up; it is switched on (`callgrind_control -i on`) for the measured
// requests only.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
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
  perRequest: number;
}

/** Starts one app under callgrind, warms it up, counts the instructions of MEASURED requests. */
async function count(variant: Variant, adapter: string): Promise<Count> {
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--callgrind-out-file=/dev/null',
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
    return {
      variant,
      responses,
      instructions,
      perRequest: instructions / responses,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
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
        `${adapter} ${variant}: ${Math.round(c.perRequest)} instructions/request`,
      );
      results[adapter].push(c);
    }
  }
  const lines = [
    '# HTTP: instructions per request (callgrind)',
    '',
    `GET ${PATH}, the apps of bench/http (bare Nest; nestjs-pino alone, the anchor; the hand-written floor, which does the work of the nestjs-rfs defaults without a library; nestjs-rfs with its defaults). Each app runs alone under valgrind's callgrind; after ${WARMUP} warm-up requests, instructions are counted for ${MEASURED} requests (autocannon, ${CONNECTIONS} connections) and divided by the responses. Instruction counts do not move with other jobs on the machine; they leave out memory stalls, GC pauses and kernel time (see http.md for req/s and CPU time).`,
    '',
    `- Date: ${date}`,
    `- Node ${machine.node} on ${machine.cpu}, ${machine.platform}`,
    '',
    '| adapter | stack | instructions / request | vs nestjs-pino | added to nestjs-pino |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const adapter of ADAPTERS) {
    const anchor = results[adapter].find((c) => c.variant === ANCHOR)!;
    for (const c of results[adapter]) {
      lines.push(
        `| ${adapter} | ${c.variant}${c.variant === ANCHOR ? ' (anchor)' : ''} | ${Math.round(c.perRequest / 1000)}k | ${(c.perRequest / anchor.perRequest).toFixed(2)} | ${c.variant === 'nestjs-rfs' || c.variant === 'floor' ? `+${Math.round((c.perRequest - anchor.perRequest) / 1000)}k` : ''} |`,
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
