import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Absolute path of `name` on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `describe` when every binary is on PATH; otherwise the block is skipped and ONE test fails
 * with a loud message saying what to install (CI installs them in .ci/run).
 */
export function describeWithBinaries(
  binaries: string[],
  name: string,
  body: () => void,
): void {
  const missing = binaries.filter((b) => !findBinary(b));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it(`needs ${missing.join(', ')} on PATH`, () => {
      throw new Error(
        `\n\n!!! ${name}: SKIPPED — ${missing.join(', ')} not found on PATH.\n` +
          '!!! Install them: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager\n' +
          '!!! (.ci/run does this in CI).\n',
      );
    });
  });
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A temporary directory removed by `cleanup()`. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `check` every 200 ms until it returns a value or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A server process started by a test; `stop()` sends SIGTERM and waits for exit. */
export interface RunningServer {
  url: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

async function startProcess(
  bin: string,
  args: string[],
  port: number,
): Promise<RunningServer> {
  const child: ChildProcess = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    port,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitFor(
      `${bin} ready on ${url}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${bin} exited: ${out.slice(-2000)}`);
        const r = await fetch(`${url}/-/ready`);
        return r.ok ? true : undefined;
      },
      15_000,
    );
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** One alert as Alertmanager's `GET /api/v2/alerts` lists it. */
export interface ListedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string };
}

/** The alerts a running Alertmanager lists now (`GET /api/v2/alerts`). */
export async function listedAlerts(am: RunningServer): Promise<ListedAlert[]> {
  const r = await fetch(`${am.url}/api/v2/alerts`);
  return (await r.json()) as ListedAlert[];
}

/** Starts Alertmanager on 127.0.0.1 with `config` (YAML), clustering off. */
export async function startAlertmanager(
  dir: string,
  config: string,
): Promise<RunningServer> {
  const port = await freePort();
  writeFileSync(join(dir, 'am.yml'), config);
  return startProcess(
    findBinary('prometheus-alertmanager')!,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${join(dir, 'am')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    port,
  );
}

/** Starts Prometheus on 127.0.0.1 with `config` (YAML) and extra files next to it. */
export async function startPrometheus(
  dir: string,
  config: string,
  files: Record<string, string> = {},
): Promise<RunningServer> {
  const port = await freePort();
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'prom.yml'), config);
  return startProcess(
    findBinary('prometheus')!,
    [
      `--config.file=${join(dir, 'prom.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prom')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
    ],
    port,
  );
}

/** Runs promtool; returns exit code and output (never throws on a non-zero exit). */
export function promtool(
  args: string[],
  input?: string,
): { code: number; output: string } {
  try {
    const output = execFileSync(findBinary('promtool')!, args, {
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return { code: 0, output };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return {
      code: err.status ?? 1,
      output: `${err.stdout ?? ''}${err.stderr ?? ''}`,
    };
  }
}
