import { Controller, Get, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  LogResultOperation,
  MonoResult,
  RequestAbortSignal,
  type Result,
  RfsError,
  type RfsModuleOptionsInput,
  ok,
} from 'nestjs-rfs';
import { type ResultTestContext, resultTestContext } from 'nestjs-rfs/testing';

/**
 * The signal a MonoResult run gets outside any request (a script): captured at load time,
 * outside every context. A request's MonoResult must get another one, the client's.
 */
let scriptSignal: AbortSignal | undefined;
void MonoResult.fromAsync((signal) => {
  scriptSignal = signal;
  return ok(1);
}).run();

/** What the slow thunk saw: its signal when it started, and that signal once it aborted. */
interface SlowHooks {
  started?: (signal: AbortSignal) => void;
  aborted?: (signal: AbortSignal) => void;
}
const hooks: SlowHooks = {};
/** Thunks still waiting when a test ends (only if the abort never reached them). */
const pending = new Set<(reason: Error) => void>();

/** A MonoResult whose thunk waits until its signal aborts. */
function slowMono(): MonoResult<string, RfsError> {
  return MonoResult.fromPromise<string, RfsError>(
    (signal) =>
      new Promise<string>((_resolve, reject) => {
        pending.add(reject);
        signal.addEventListener('abort', () => {
          pending.delete(reject);
          hooks.aborted?.(signal);
          reject(signal.reason as Error);
        });
        hooks.started?.(signal);
      }),
    () => RfsError.internal(),
  );
}

/** Requests held by the signal-less thunk: their Node request, and the function that answers. */
const held: { raw: IncomingMessage; answer: (v: string) => void }[] = [];

/** A MonoResult whose thunk takes no signal (the request's signal is never created for it). */
function signalLessMono(raw: IncomingMessage): MonoResult<string, RfsError> {
  return MonoResult.fromPromise(
    () => new Promise<string>((answer) => held.push({ raw, answer })),
    () => RfsError.internal(),
  ).map((v) => v);
}

/** A MonoResult that reports whether its thunk got `expected` (and whether it was aborted). */
function signalReport(
  expected: AbortSignal,
): MonoResult<{ requestSignal: boolean; aborted: boolean }, RfsError> {
  return MonoResult.fromPromise(
    (signal) =>
      Promise.resolve({
        requestSignal: signal === expected,
        aborted: signal.aborted,
      }),
    () => RfsError.internal(),
  );
}

@Controller('abort')
class DisconnectController {
  @Get('direct')
  direct(): MonoResult<string, RfsError> {
    return slowMono(); // returned as is: Nest awaits it before any interceptor sees it
  }

  @Get('awaited')
  async awaited(): Promise<Result<string, RfsError>> {
    const r = await slowMono();
    return r;
  }

  @Get('logged')
  @LogResultOperation('abort.logged')
  logged(): MonoResult<string, RfsError> {
    return slowMono();
  }

  @Get('signal-less')
  signalLess(
    @Req() req: IncomingMessage & { raw?: IncomingMessage },
  ): MonoResult<string, RfsError> {
    return signalLessMono(req.raw ?? req);
  }

  @Get('fast')
  fast(
    @RequestAbortSignal() signal: AbortSignal,
  ): MonoResult<{ requestSignal: boolean; aborted: boolean }, RfsError> {
    return signalReport(signal);
  }

  @Get('fast-awaited')
  async fastAwaited(
    @RequestAbortSignal() signal: AbortSignal,
  ): Promise<Result<{ requestSignal: boolean; aborted: boolean }, RfsError>> {
    await Promise.resolve();
    return await signalReport(signal);
  }
}

async function start(
  adapter: 'express' | 'fastify',
  options: RfsModuleOptionsInput,
): Promise<ResultTestContext> {
  return resultTestContext({
    controllers: [DisconnectController],
    http: adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    options: { alerts: false, dashboard: false, ...options },
  });
}

/** Lets pending callbacks run (bounded) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    await new Promise((r) => setImmediate(r));
  }
}

/** Polls (every 5 ms, up to 10 s) until `done()` holds; fails the test if it never does. */
async function waitFor(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const operations: Record<string, string> = {
  '/abort/direct': 'DisconnectController.direct',
  '/abort/awaited': 'DisconnectController.awaited',
  '/abort/logged': 'abort.logged',
};

describe.each([
  ['express', 'with correlation', {}],
  ['fastify', 'with correlation', {}],
  // no correlation store: @LogResultOperation handlers take ResultInterceptor's other branch
  ['express', 'without correlation', { correlation: false }],
  ['fastify', 'without correlation', { correlation: false }],
  ['express', "pipeline 'handler'", { http: { pipeline: 'handler' } }],
  ['fastify', "pipeline 'handler'", { http: { pipeline: 'handler' } }],
] as const)(
  'a MonoResult a handler returns or awaits on %s (%s)',
  (adapter, _label, options) => {
    let ctx: ResultTestContext;

    beforeAll(async () => {
      ctx = await start(adapter, options);
    });
    afterAll(() => ctx.close());
    afterEach(() => {
      hooks.started = undefined;
      hooks.aborted = undefined;
      for (const reject of pending) reject(new Error('test over'));
      pending.clear();
    });

    it.each(['/abort/direct', '/abort/awaited', '/abort/logged'])(
      '%s: runs with the request signal and is aborted when the client disconnects',
      async (path) => {
        const started = new Promise<AbortSignal>((r) => (hooks.started = r));
        const aborted = new Promise<AbortSignal>((r) => (hooks.aborted = r));
        ctx.capture.clear();
        const client = new AbortController();
        const req = fetch(`${ctx.url!}${path}`, {
          signal: client.signal,
        }).catch((e: unknown) => e);
        const signal = await started;
        // not the never-aborting signal of runs outside requests
        expect(scriptSignal).toBeDefined();
        expect(signal === scriptSignal).toBe(false);
        expect(signal.aborted).toBe(false);
        client.abort();
        expect(await req).toMatchObject({ name: 'AbortError' });
        const seen = await aborted;
        expect(seen).toBe(signal);
        expect(seen.aborted).toBe(true);
        expect((seen.reason as Error).name).toBe('AbortError');
        await until(() => ctx.capture.entries().length > 0);
        // exactly one Result line for the request: an err with the client-closed status
        expect(ctx.capture.entries()).toMatchObject([
          {
            operation: operations[path],
            outcome: 'err',
            http: { status: 499 },
          },
        ]);
      },
    );

    it('a disconnect while a signal-less thunk runs: the request is recorded as client-closed (499) when it settles', async () => {
      ctx.capture.clear();
      held.length = 0;
      const client = new AbortController();
      const req = fetch(`${ctx.url!}/abort/signal-less`, {
        signal: client.signal,
      }).catch((e: unknown) => e);
      await waitFor(() => held.length === 1);
      const [{ raw, answer }] = held;
      client.abort();
      expect(await req).toMatchObject({ name: 'AbortError' });
      await waitFor(() => raw.destroyed);
      answer('too late');
      await waitFor(() => ctx.capture.entries().length > 0);
      expect(ctx.capture.entries()).toMatchObject([
        { outcome: 'err', http: { status: 499 } },
      ]);
    });

    it.each(['/abort/fast', '/abort/fast-awaited'])(
      "%s: a request that stays connected completes; the MonoResult got the request's signal",
      async (path) => {
        ctx.capture.clear();
        const res = await fetch(`${ctx.url!}${path}`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({
          requestSignal: true,
          aborted: false,
        });
        await until(() => ctx.capture.entries().length > 0);
        expect(ctx.capture.entries()).toMatchObject([
          { outcome: 'ok', http: { status: 200 } },
        ]);
      },
    );
  },
);
