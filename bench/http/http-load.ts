// Building blocks of the HTTP benches: an app in its own child process, and one autocannon
// run against it from this (parent) process.
import autocannon from 'autocannon';
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ServerMessage } from './http-server';

const REGISTER = join(__dirname, '..', 'harness', 'register.js');

/** An app running in a child process. */
export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** `process.memoryUsage()` and `process.cpuUsage()` of the child. */
  usage(): Promise<{ memory: NodeJS.MemoryUsage; cpu: NodeJS.CpuUsage }>;
  /** SIGTERM, then wait for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Forks `script` (TypeScript, compiled by the bench register hook) with `args`; resolves once
 * it reports `{ type: 'listening', port }`. Its stdout goes to /dev/null (where the apps'
 * log lines go: every variant pays the same for writing them), stderr is inherited.
 */
export function startServer(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerProcess> {
  const child = fork(script, args, {
    // profiling aid: BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (app processes only)
    execArgv: [
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--require',
      REGISTER,
    ],
    stdio: [
      'ignore',
      process.env.BENCH_STDOUT ? 'inherit' : 'ignore',
      'inherit',
      'ipc',
    ],
    env,
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: no 'listening' message within 60 s`));
    }, 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name}: exited before listening (${code ?? signal})`));
    });
    const onMessage = (m: ServerMessage) => {
      if (m.type !== 'listening') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve({
        name,
        url: `http://127.0.0.1:${m.port}`,
        child,
        usage: () =>
          new Promise((res) => {
            const onMemory = (x: ServerMessage) => {
              if (x.type !== 'memory') return;
              child.off('message', onMemory);
              res({ memory: x.usage, cpu: x.cpu });
            };
            child.on('message', onMemory);
            child.send('memory');
          }),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.kill('SIGTERM');
            await exited;
            clearTimeout(kill);
          }
        },
      });
    };
    child.on('message', onMessage);
  });
}

/** One autocannon run. */
export interface LoadResult {
  /** 2xx responses per second. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx responses. */
  failures: number;
  responses: number;
}

/** Runs autocannon against `url` for `seconds` with `connections` (keep-alive, no pipelining). */
export async function load(
  url: string,
  seconds: number,
  connections = 50,
  headers?: Record<string, string>,
): Promise<LoadResult> {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    headers,
  });
  return {
    requestsPerSecond: r['2xx'] / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    failures: r.errors + r.timeouts + r.non2xx,
    responses: r['2xx'] + r.non2xx,
  };
}

/**
 * Pins the load generator (this process) to CPU 0 and `pids` (the apps) to CPU 1 with
 * `taskset -a` (every thread), so that autocannon and the app under test never share a core:
 * on a 2-core machine this halves the run-to-run spread of CPU per request. Linux with
 * util-linux and at least 2 CPUs only; `BENCH_PIN=0` turns it off. Returns whether it pinned.
 */
export function pinLoadAndApps(pids: readonly number[]): boolean {
  if (process.platform !== 'linux' || process.env.BENCH_PIN === '0')
    return false;
  if (cpus().length < 2) return false;
  const pin = (cpu: string, pid: number): boolean =>
    spawnSync('taskset', ['-a', '-cp', cpu, String(pid)], { stdio: 'ignore' })
      .status === 0;
  return pin('0', process.pid) && pids.every((pid) => pin('1', pid));
}
