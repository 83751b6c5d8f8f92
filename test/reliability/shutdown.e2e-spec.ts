// SIGTERM under load, to a real app in a child process (shutdown.app.ts): requests in flight
// finish with complete 200 answers, the alert notification still pending on a slow webhook is
// delivered before the process ends, nothing rejects unhandled, and the process exits by
// itself with code 0 (no timer, socket or handle of the library keeps it alive).
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const REGISTER = join(__dirname, '..', '..', 'bench', 'harness', 'register.js');
const APP = join(__dirname, 'shutdown.app.ts');

interface Reply {
  status: number;
  body: string;
  at: number;
}

function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, agent: false },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body, at: Date.now() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A webhook receiver that answers after `delayMs`; records when each delivery completed. */
async function slowReceiver(delayMs: number) {
  const received: { headers: IncomingHttpHeaders; body: unknown }[] = [];
  const answered: number[] = [];
  let onFirst: () => void = () => undefined;
  const first = new Promise<void>((r) => (onFirst = r));
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) });
      onFirst();
      setTimeout(() => {
        res.statusCode = 200;
        res.end(() => answered.push(Date.now()));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    answered,
    first,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe.each(['express', 'fastify'] as const)(
  'SIGTERM under load (%s)',
  (adapter) => {
    let child: ChildProcess | undefined;

    afterEach(() => {
      if (child && child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
    });

    it('finishes in-flight requests, flushes the pending notification and exits 0 by itself', async () => {
      const receiver = await slowReceiver(1500);
      try {
        let stderr = '';
        child = fork(APP, [adapter], {
          execArgv: ['--require', REGISTER],
          env: { ...process.env, WEBHOOK_URL: receiver.url },
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        });
        child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
        const messages: string[] = [];
        const port = await new Promise<number>((resolve, reject) => {
          child!.on('message', (m: { type: string; port?: number }) => {
            messages.push(m.type);
            if (m.type === 'listening') resolve(m.port!);
          });
          child!.once('exit', (code) =>
            reject(new Error(`exited early (${code}): ${stderr}`)),
          );
        });
        const exit = new Promise<{ code: number | null; at: number }>((r) =>
          child!.once('exit', (code) => r({ code, at: Date.now() })),
        );

        // Failing traffic: the alert fires and its webhook delivery is in flight (slow receiver).
        for (let k = 0; k < 10; k++)
          expect((await get(port, '/fail')).status).toBe(503);
        await receiver.first;

        // Load: 40 slow requests (500 ms each) in flight, and a steady stream of quick ones.
        const slow = Array.from({ length: 40 }, () => get(port, '/slow'));
        let stop = false;
        const quick: Reply[] = [];
        const refused: string[] = [];
        const stream = Promise.all(
          Array.from({ length: 10 }, async () => {
            while (!stop) {
              try {
                quick.push(await get(port, '/ok'));
              } catch (e) {
                // After the listener closes, new connections are refused: the only failure allowed.
                refused.push((e as NodeJS.ErrnoException).code ?? String(e));
                return;
              }
            }
          }),
        );
        await new Promise((r) => setTimeout(r, 150));
        const signalledAt = Date.now();
        child.kill('SIGTERM');

        const slowReplies = await Promise.all(slow);
        const { code, at } = await exit;
        stop = true;
        await stream;

        for (const r of slowReplies) {
          expect(r.status).toBe(200);
          expect(JSON.parse(r.body)).toEqual({ done: true });
        }
        expect(quick.length).toBeGreaterThan(0);
        for (const r of quick) {
          // Fastify answers requests that arrive while it closes with 503 (return503OnClosing).
          if (adapter === 'fastify' && r.at >= signalledAt && r.status === 503)
            continue;
          expect(r.status).toBe(200);
        }
        for (const c of refused)
          expect(['ECONNREFUSED', 'ECONNRESET']).toContain(c);
        expect(messages).toEqual(['listening', 'closing', 'closed']);
        expect(stderr).not.toMatch(/UNHANDLED|CLOSE FAILED/);
        expect(code).toBe(0);
        // The notification pending at SIGTERM was answered before the process ended, and
        // within the flush deadline (shutdownFlushMs: 4000).
        expect(receiver.received.length).toBeGreaterThan(0);
        expect(receiver.answered.length).toBe(receiver.received.length);
        expect(Math.max(...receiver.answered)).toBeLessThanOrEqual(at);
        expect(at - signalledAt).toBeLessThan(4000 + 2000);
        const keys = receiver.received.map((r) => r.headers['idempotency-key']);
        expect(new Set(keys).size).toBe(keys.length);
      } finally {
        await receiver.close();
      }
    }, 30_000);
  },
);
