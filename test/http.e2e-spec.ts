import {
  Controller,
  Get,
  HttpCode,
  type MessageEvent,
  NotFoundException,
  Param,
  Post,
  Sse,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { type Observable, of, throwError } from 'rxjs';
import {
  ERROR_CODE_STATUS,
  ErrorCode,
  FluxResponse,
  FluxResult,
  HttpErrorStatus,
  MonoResult,
  type Page,
  PageQuery,
  type PageRequest,
  type ProblemDetails,
  type Result,
  RfsError,
  type RfsModuleOptionsInput,
  RfsOperation,
  RequestAbortSignal,
  err,
  ok,
  toPage,
  toSse,
} from 'nestjs-rfs';
import {
  type ResultTestContext,
  TEST_CORRELATION_ID_PREFIX,
  recordedOutcomes,
  resultTestContext,
} from 'nestjs-rfs/testing';
import 'nestjs-rfs/testing/jest';

/** A deterministic id of the testing module (`test-cid-N`). */
const TEST_ID = new RegExp(`^${TEST_CORRELATION_ID_PREFIX}\\d+$`);

@HttpErrorStatus(409)
class SeatTakenError extends Error {}
class QuotaError extends Error {}
class TeapotError extends Error {}

class HostileError extends Error {
  override get message(): string {
    throw new Error('message getter');
  }
  override get name(): string {
    throw new Error('name getter');
  }
  override get stack(): string {
    throw new Error('stack getter');
  }
  get code(): string {
    throw new Error('code getter');
  }
}

const hostileProxy = new Proxy(
  {},
  {
    get() {
      throw new Error('get trap');
    },
    getPrototypeOf() {
      throw new Error('getPrototypeOf trap');
    },
    ownKeys() {
      throw new Error('ownKeys trap');
    },
  },
);

/** Hooks of the slow MonoResult route: when its thunk starts, and when its signal aborts. */
const slowMono: {
  started?: () => void;
  aborted?: (reason: unknown) => void;
} = {};

function slowMonoResult(): MonoResult<string, RfsError> {
  return MonoResult.fromPromise<string, RfsError>(
    (signal) =>
      new Promise<string>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          slowMono.aborted?.(signal.reason);
          reject(signal.reason as Error);
        });
        slowMono.started?.();
      }),
    () => RfsError.internal(),
  );
}

const items = Array.from({ length: 45 }, (_, i) => ({ id: i + 1 }));

@Controller('r')
class ResultController {
  @Get('ok')
  ok(): Result<{ a: number }, RfsError> {
    return ok({ a: 1 });
  }

  @Get('items/:id')
  @RfsOperation('items.get')
  item(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return id === '404' ? err(RfsError.notFound('item', id)) : ok({ id });
  }

  @Get('promise')
  async promise(): Promise<Result<string, RfsError>> {
    await Promise.resolve();
    return ok('later');
  }

  @Get('promise-err')
  async promiseErr(): Promise<Result<string, RfsError>> {
    await Promise.resolve();
    return err(RfsError.conflict('order', 'already paid'));
  }

  @Get('mono')
  mono(): MonoResult<number, RfsError> {
    return MonoResult.ok(21).map((n) => n * 2);
  }

  @Get('mono-err')
  monoErr(): MonoResult<number, RfsError> {
    return MonoResult.err(RfsError.timeout('payment', 50));
  }

  @Get('mono-slow')
  monoSlow(): Observable<MonoResult<string, RfsError>> {
    // Emitted un-run (Nest awaits a directly returned thenable itself), so the interceptor
    // runs it with the request's signal.
    return of(slowMonoResult());
  }

  @Get('mono-signal')
  monoSignal(
    @RequestAbortSignal() signal: AbortSignal,
  ): Promise<Result<string, RfsError>> {
    return slowMonoResult().run(signal);
  }

  @Get('plain')
  plain(): { plain: boolean } {
    return { plain: true };
  }

  @Post('created')
  created(): Result<{ id: number }, RfsError> {
    return ok({ id: 7 });
  }

  @Post('accepted')
  @HttpCode(202)
  accepted(): Result<{ queued: boolean }, RfsError> {
    return ok({ queued: true });
  }

  @Get('code/:code')
  code(@Param('code') code: string): Result<never, RfsError> {
    return err(new RfsError(code, `failure ${code}`));
  }

  @Get('explicit')
  explicit(): Result<never, RfsError> {
    return err(new RfsError(ErrorCode.NOT_FOUND, 'gone', { status: 410 }));
  }

  @Get('decorated')
  decorated(): Result<never, SeatTakenError> {
    return err(new SeatTakenError('seat 12A is taken'));
  }

  @Get('by-class')
  byClass(): Result<never, QuotaError> {
    return err(new QuotaError('quota exceeded'));
  }

  @Get('mapper')
  mapper(): Result<never, TeapotError> {
    return err(new TeapotError('short and stout'));
  }

  @Get('plain-error')
  plainError(): Result<never, Error> {
    return err(new Error('internal thing'));
  }

  @Get('validation')
  validation(): Result<never, RfsError> {
    return err(RfsError.validation({ name: 'is required' }));
  }

  @Get('db')
  db(): Result<never, RfsError> {
    return err(RfsError.database('insert', 'constraint orders_pk violated'));
  }

  @Get('bigint-details')
  bigintDetails(): Result<never, RfsError> {
    const details: Record<string, unknown> = { big: 10n };
    details.self = details;
    return err(new RfsError(ErrorCode.CONFLICT, 'odd details', { details }));
  }
}

@Controller('t')
class ThrowController {
  @Get('http')
  http(): never {
    throw new NotFoundException('no such page');
  }

  @Get('rfs')
  rfs(): never {
    throw RfsError.conflict('order', 'already paid');
  }

  @Get('defect')
  defect(): never {
    throw new Error('secret internal state');
  }

  @Get('hostile/:kind')
  hostile(@Param('kind') kind: string): never {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const values: Record<string, unknown> = {
      null: null,
      undefined: undefined,
      string: 'just a string',
      bigint: 10n,
      cyclic,
      getters: new HostileError(),
      proxy: hostileProxy,
      symbol: Symbol('s'),
    };
    throw values[kind];
  }
}

@Controller('f')
class FluxController {
  @Get('all-ok')
  allOk(): FluxResult<number, RfsError> {
    return FluxResult.ok(1, 2, 3);
  }

  @Get('empty')
  empty(): FluxResult<number, RfsError> {
    return FluxResult.empty();
  }

  @Get('partial')
  partial(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      ok(1),
      err(RfsError.notFound('n', 2)),
      ok(3),
      err(RfsError.conflict('n', 'dup')),
    ]);
  }

  @Get('all-err')
  allErr(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      err(RfsError.notFound('n', 1)),
      err(RfsError.conflict('n', 'dup')),
    ]);
  }

  @Get('strict')
  @FluxResponse({ partialSuccess: false })
  strict(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      ok(1),
      err(RfsError.rateLimited(5, '1m')),
    ]);
  }

  @Get('capped')
  @FluxResponse({ maxErrors: 1 })
  capped(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      err(RfsError.notFound('n', 1)),
      err(RfsError.notFound('n', 2)),
      ok(3),
    ]);
  }

  @Get('no-errors')
  @FluxResponse({ includeErrors: false })
  noErrors(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      ok(1),
      err(RfsError.notFound('n', 2)),
    ]);
  }

  @Get('ndjson')
  @FluxResponse({ mode: 'ndjson' })
  ndjson(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>([
      ok(1),
      err(RfsError.notFound('n', 2)),
      ok(3),
    ]);
  }

  @Get('ndjson-defect')
  @FluxResponse({ mode: 'ndjson' })
  ndjsonDefect(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>(
      throwError(() => new Error('stream broke: secret')),
    );
  }

  @Get('defect')
  defect(): FluxResult<number, RfsError> {
    return FluxResult.fromResults<number, RfsError>(
      throwError(() => new Error('batch broke')),
    );
  }

  @Sse('sse-explicit')
  sseExplicit(): Observable<MessageEvent> {
    return toSse(
      FluxResult.fromResults<string, RfsError>([
        ok('a'),
        err(RfsError.rateLimited(1, '1s')),
      ]),
    );
  }

  @Sse('sse')
  sse(): FluxResult<{ n: number }, RfsError> {
    return FluxResult.fromResults<{ n: number }, RfsError>([
      ok({ n: 1 }),
      err(RfsError.notFound('n', 2)),
      ok({ n: 3 }),
    ]);
  }
}

@Controller('p')
class PageController {
  @Get()
  list(
    @PageQuery({ defaultSize: 10, maxSize: 20 }) req: PageRequest,
  ): Page<{ id: number }> {
    return toPage(
      items.slice(req.offset, req.offset + req.size),
      items.length,
      req,
    );
  }
}

const controllers = [
  ResultController,
  ThrowController,
  FluxController,
  PageController,
];

/**
 * Serves the controllers with the testing kit's RfsModule: the Result log lines of the HTTP pass
 * land in `ctx.capture`, the operations counter in `ctx.metrics` (a registry of its own), and
 * generated correlation ids are `test-cid-N`.
 */
async function start(
  adapter: 'express' | 'fastify',
  options: RfsModuleOptionsInput,
): Promise<ResultTestContext> {
  return resultTestContext({
    controllers,
    http: adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    // alerts and the dashboard are not under test here
    options: { alerts: false, dashboard: false, ...options },
  });
}

async function json(
  res: Response,
): Promise<Record<string, unknown> & Partial<ProblemDetails>> {
  return (await res.json()) as Record<string, unknown> &
    Partial<ProblemDetails>;
}

function expectProblem(res: Response): void {
  expect(res.headers.get('content-type')).toMatch(
    /^application\/problem\+json/,
  );
}

/** Every adapter with every `http.pipeline`: both pipelines must answer alike. */
const adapterPipelines = (['express', 'fastify'] as const).flatMap((adapter) =>
  (['interceptor', 'handler'] as const).map(
    (pipeline) => [adapter, pipeline] as const,
  ),
);

describe.each(adapterPipelines)(
  'Result → HTTP on %s (%s pipeline)',
  (adapter, pipeline) => {
    let ctx: ResultTestContext;
    let base: string;

    beforeAll(async () => {
      ctx = await start(adapter, {
        environment: 'development',
        http: {
          pipeline,
          errorStatus: { PAYMENT_REQUIRED: 402, QuotaError: 429 },
          errorMapper: (e) => (e instanceof TeapotError ? 418 : undefined),
        },
      });
      base = ctx.url!;
    });
    afterAll(() => ctx.close());

    const get = (path: string, init?: RequestInit): Promise<Response> =>
      fetch(`${base}${path}`, init);

    describe('return kinds', () => {
      it('Ok → 200 with the value as body and a Server-Timing header', async () => {
        const res = await get('/r/ok');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await res.json()).toEqual({ a: 1 });
        expect(res.headers.get('server-timing')).toMatch(
          /^app;dur=\d+(\.\d+)?$/,
        );
      });

      it('Promise<Result> Ok and Err', async () => {
        const a = await get('/r/promise');
        expect(a.status).toBe(200);
        expect(await a.text()).toBe('later');
        const b = await get('/r/promise-err');
        expect(b.status).toBe(409);
        expectProblem(b);
        expect((await json(b)).code).toBe('CONFLICT');
      });

      it('MonoResult Ok and Err', async () => {
        const a = await get('/r/mono');
        expect(a.status).toBe(200);
        expect(await a.json()).toBe(42);
        const b = await get('/r/mono-err');
        expect(b.status).toBe(504);
        expect((await json(b)).code).toBe('TIMEOUT_ERROR');
      });

      it.each(['/r/mono-slow', '/r/mono-signal'])(
        '%s: the MonoResult is aborted when the client disconnects',
        async (path) => {
          const started = new Promise<void>((r) => (slowMono.started = r));
          const aborted = new Promise<unknown>((r) => (slowMono.aborted = r));
          ctx.capture.clear();
          const client = new AbortController();
          const req = get(path, { signal: client.signal }).catch(
            (e: unknown) => e,
          );
          await started;
          client.abort();
          expect(await req).toMatchObject({ name: 'AbortError' });
          const reason = await aborted;
          expect((reason as Error).name).toBe('AbortError');
          await new Promise((r) => setImmediate(r));
          // exactly one Result log line for the request: an err with the client-closed status
          expect(ctx.capture.entries()).toMatchObject([
            {
              operation:
                path === '/r/mono-slow'
                  ? 'ResultController.monoSlow'
                  : 'ResultController.monoSignal',
              outcome: 'err',
              correlationId: expect.stringMatching(TEST_ID),
              http: { status: 499 },
            },
          ]);
        },
      );

      it('a plain value passes through untouched', async () => {
        const res = await get('/r/plain');
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ plain: true });
      });

      it("Ok keeps the route's status: 201 for POST, @HttpCode otherwise", async () => {
        const a = await get('/r/created', { method: 'POST' });
        expect(a.status).toBe(201);
        expect(await a.json()).toEqual({ id: 7 });
        const b = await get('/r/accepted', { method: 'POST' });
        expect(b.status).toBe(202);
        expect(await b.json()).toEqual({ queued: true });
      });
    });

    describe('Err → problem+json', () => {
      it('has the RFC 9457 shape with instance and correlationId', async () => {
        const res = await get('/r/items/404', {
          headers: { 'x-correlation-id': 'corr-404' },
        });
        expect(res.status).toBe(404);
        expectProblem(res);
        expect(await res.json()).toEqual({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: 'item 404 not found',
          instance: '/r/items/404',
          code: 'NOT_FOUND',
          correlationId: 'corr-404',
          details: { resource: 'item', id: '404' },
        });
      });

      it.each(Object.values(ErrorCode))(
        'code %s → its table status',
        async (code) => {
          const res = await get(`/r/code/${code}`);
          expect(res.status).toBe(ERROR_CODE_STATUS[code]);
          expectProblem(res);
          const body = await json(res);
          expect(body.code).toBe(code);
          expect(body.status).toBe(ERROR_CODE_STATUS[code]);
          expect(body.correlationId).toMatch(TEST_ID);
          expect(res.headers.get('x-correlation-id')).toBe(body.correlationId);
        },
      );

      it('status order: explicit, options by code, options by class, decorator, mapper, 500', async () => {
        expect((await get('/r/explicit')).status).toBe(410);
        expect((await get('/r/code/PAYMENT_REQUIRED')).status).toBe(402);
        expect((await get('/r/code/SOMETHING_ELSE')).status).toBe(500);
        expect((await get('/r/by-class')).status).toBe(429);
        const decorated = await get('/r/decorated');
        expect(decorated.status).toBe(409);
        expect((await json(decorated)).detail).toBe('seat 12A is taken');
        expect((await get('/r/mapper')).status).toBe(418);
        expect((await get('/r/plain-error')).status).toBe(500);
      });

      it('validation errors carry field errors', async () => {
        const res = await get('/r/validation');
        expect(res.status).toBe(400);
        const body = await json(res);
        expect(body.errors).toEqual([
          { field: 'name', message: 'is required' },
        ]);
        expect(body.details).toBeUndefined();
      });

      it('outside production a 5xx keeps its detail', async () => {
        const body = await json(await get('/r/db'));
        expect(body.status).toBe(500);
        expect(body.detail).toContain('constraint orders_pk violated');
      });

      it('details that JSON cannot encode (BigInt, cycles) are made safe', async () => {
        const res = await get('/r/bigint-details');
        expect(res.status).toBe(409);
        expect((await json(res)).details).toEqual({
          big: '10',
          self: '[Circular]',
        });
      });
    });

    describe('thrown errors (ResultExceptionFilter)', () => {
      it('HttpException → problem with its status', async () => {
        const res = await get('/t/http', {
          headers: { 'x-correlation-id': 'corr-http' },
        });
        expect(res.status).toBe(404);
        expectProblem(res);
        const body = await json(res);
        expect(body).toMatchObject({
          status: 404,
          code: 'NOT_FOUND',
          detail: 'no such page',
          correlationId: 'corr-http',
          instance: '/t/http',
        });
        expect(res.headers.get('server-timing')).toMatch(/^app;dur=/);
      });

      it('thrown RfsError → its status', async () => {
        const res = await get('/t/rfs');
        expect(res.status).toBe(409);
        expect((await json(res)).code).toBe('CONFLICT');
      });

      it('an unknown throw is a generic 500 defect', async () => {
        const res = await get('/t/defect');
        expect(res.status).toBe(500);
        expectProblem(res);
        const text = await res.text();
        expect(text).not.toContain('secret');
        expect(JSON.parse(text)).toMatchObject({
          status: 500,
          code: 'INTERNAL_SERVER_ERROR',
          title: 'Internal Server Error',
        });
      });

      it.each([
        'null',
        'undefined',
        'string',
        'bigint',
        'cyclic',
        'getters',
        'proxy',
        'symbol',
      ])('hostile thrown value (%s) → 500 problem', async (kind) => {
        const res = await get(`/t/hostile/${kind}`);
        expect(res.status).toBe(500);
        expectProblem(res);
        const body = await json(res);
        expect(body.code).toBe('INTERNAL_SERVER_ERROR');
        expect(body.correlationId).toMatch(TEST_ID);
        expect(res.headers.get('x-correlation-id')).toBe(body.correlationId);
        // the server is still up
        expect((await get('/r/ok')).status).toBe(200);
      });

      it('an unknown route is a 404 problem too', async () => {
        const res = await get('/nowhere');
        expect(res.status).toBe(404);
        expectProblem(res);
      });
    });

    describe('FluxResult batch', () => {
      it('all Ok → 200, success: true and X-Batch headers', async () => {
        const res = await get('/f/all-ok');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-batch-total')).toBe('3');
        expect(res.headers.get('x-batch-success')).toBe('3');
        expect(res.headers.get('x-batch-failed')).toBe('0');
        const body = await json(res);
        expect(body).toMatchObject({
          success: true,
          summary: { total: 3, successful: 3, failed: 0, successRate: 1 },
          results: [1, 2, 3],
        });
        expect(body.errors).toBeUndefined();
        expect(
          (body.summary as { processingTimeMs: number }).processingTimeMs,
        ).toBeGreaterThanOrEqual(0);
      });

      it('an empty batch is 200 with success: true', async () => {
        const res = await get('/f/empty');
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({
          success: true,
          summary: { total: 0, successful: 0, failed: 0, successRate: 1 },
          results: [],
        });
      });

      it('some failed → 207 with indexed problem errors', async () => {
        const res = await get('/f/partial');
        expect(res.status).toBe(207);
        expect(res.headers.get('x-batch-failed')).toBe('2');
        const body = await json(res);
        expect(body).toMatchObject({
          success: false,
          summary: { total: 4, successful: 2, failed: 2, successRate: 0.5 },
          results: [1, 3],
          errors: [
            { index: 1, status: 404, code: 'NOT_FOUND' },
            { index: 3, status: 409, code: 'CONFLICT' },
          ],
        });
      });

      it('all failed → the status of the first error', async () => {
        const res = await get('/f/all-err');
        expect(res.status).toBe(404);
        expect((await json(res)).success).toBe(false);
      });

      it('partialSuccess: false → the first error status', async () => {
        expect((await get('/f/strict')).status).toBe(429);
      });

      it('maxErrors caps errors, counts stay exact; includeErrors: false drops them', async () => {
        const capped = await json(await get('/f/capped'));
        expect(capped.errors).toHaveLength(1);
        expect(capped.summary).toMatchObject({ failed: 2 });
        const none = await json(await get('/f/no-errors'));
        expect(none.errors).toBeUndefined();
        expect(none.summary).toMatchObject({ failed: 1 });
      });

      it('a defect in the stream is a 500 problem', async () => {
        const res = await get('/f/defect');
        expect(res.status).toBe(500);
        expectProblem(res);
      });
    });

    describe('NDJSON', () => {
      it('@FluxResponse({ mode: "ndjson" }) streams one line per item', async () => {
        const res = await get('/f/ndjson');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(
          /^application\/x-ndjson/,
        );
        const lines = (await res.text())
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(lines).toEqual([
          { ok: true, value: 1 },
          {
            ok: false,
            error: expect.objectContaining({
              status: 404,
              code: 'NOT_FOUND',
              instance: '/f/ndjson',
              correlationId: res.headers.get('x-correlation-id'),
            }),
          },
          { ok: true, value: 3 },
        ]);
        expect(res.headers.get('x-correlation-id')).toMatch(/^test-cid-\d+$/);
      });

      it('Accept: application/x-ndjson chooses NDJSON on a batch route', async () => {
        const res = await get('/f/partial', {
          headers: { accept: 'application/x-ndjson' },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(
          /^application\/x-ndjson/,
        );
        expect((await res.text()).trim().split('\n')).toHaveLength(4);
      });

      it('a defect ends the stream with a generic problem line', async () => {
        const text = await (await get('/f/ndjson-defect')).text();
        expect(text).not.toContain('secret');
        expect(JSON.parse(text.trim())).toEqual({
          ok: false,
          error: expect.objectContaining({ status: 500 }),
        });
      });
    });

    it('SSE: a FluxResult from an @Sse route streams events, Errs as error events', async () => {
      const res = await get('/f/sse');
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const text = await res.text();
      const blocks = text.trim().split('\n\n');
      expect(blocks).toHaveLength(3);
      expect(blocks[0]).toContain('data: {"n":1}');
      expect(blocks[1]).toContain('event: error');
      const data = /data: (.*)/.exec(blocks[1])![1];
      expect(JSON.parse(data)).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
      });
      expect(blocks[2]).toContain('data: {"n":3}');
    });

    it('SSE: toSse(flux) gives MessageEvents with error events for Errs', async () => {
      const text = await (await get('/f/sse-explicit')).text();
      const blocks = text.trim().split('\n\n');
      expect(blocks).toHaveLength(2);
      expect(blocks[0]).toContain('data: a');
      expect(blocks[1]).toContain('event: error');
      expect(JSON.parse(/data: (.*)/.exec(blocks[1])![1])).toMatchObject({
        status: 429,
        code: 'RATE_LIMITED',
      });
    });

    describe('pagination', () => {
      it('defaults and a page', async () => {
        const a = await json(await get('/p'));
        expect(a).toMatchObject({
          page: 1,
          size: 10,
          total: 45,
          pages: 5,
          hasNext: true,
        });
        expect(a.items).toHaveLength(10);
        const b = await json(await get('/p?page=3&size=20'));
        expect(b).toMatchObject({
          page: 3,
          size: 20,
          pages: 3,
          hasNext: false,
        });
        expect(b.items).toHaveLength(5);
      });

      it.each([
        ['page=0', ['page']],
        ['page=abc', ['page']],
        ['size=21', ['size']],
        ['size=-1&page=1.5', ['page', 'size']],
        ['page=1&page=2', ['page']],
      ])('?%s → 400 with field errors', async (query, fields) => {
        const res = await get(`/p?${query}`);
        expect(res.status).toBe(400);
        expectProblem(res);
        const body = await json(res);
        expect(body.code).toBe('VALIDATION_ERROR');
        expect(body.errors?.map((e) => e.field).sort()).toEqual(fields);
      });
    });

    describe('telemetry: one timing per request (one log line, one count)', () => {
      const settle = (): Promise<void> =>
        new Promise((resolve) => setImmediate(resolve));

      it('carries the operation, route template, status, outcome and correlation id', async () => {
        const before = await recordedOutcomes(ctx.metrics, 'items.get');
        ctx.capture.clear();
        await get('/r/items/404', { headers: { 'x-correlation-id': 'ev-1' } });
        await get('/r/ok');
        await settle();
        const lines = ctx.capture.entries();
        expect(lines).toMatchObject([
          {
            operation: 'items.get',
            outcome: 'err',
            correlationId: 'ev-1',
            http: { method: 'GET', route: '/r/items/:id', status: 404 },
            error: { type: 'RfsError', code: 'NOT_FOUND' },
          },
          {
            operation: 'ResultController.ok',
            outcome: 'ok',
            correlationId: expect.stringMatching(TEST_ID),
            http: { route: '/r/ok', status: 200 },
          },
        ]);
        expect(lines[1].durationMs).toBeGreaterThanOrEqual(0);
        await expect(
          recordedOutcomes(ctx.metrics, 'items.get'),
        ).resolves.toEqual({ ...before, err: before.err + 1 });
      });

      it('a thrown unknown error is a defect; a thrown HttpException an err', async () => {
        const before = await recordedOutcomes(
          ctx.metrics,
          'ThrowController.defect',
        );
        ctx.capture.clear();
        await get('/t/defect');
        await get('/t/http');
        await settle();
        expect(
          ctx.capture.entries().map((e) => [e.outcome, e.http?.status]),
        ).toEqual([
          ['defect', 500],
          ['err', 404],
        ]);
        // the defect's stack is logged on the server side only
        expect(
          ctx.capture.entries({ outcome: 'defect' })[0].error?.stack,
        ).toMatch(/Error: secret internal state\n\s+at /);
        await expect(
          recordedOutcomes(ctx.metrics, 'ThrowController.defect'),
        ).resolves.toEqual({ ...before, defect: before.defect + 1 });
      });

      it('a batch reports item counts', async () => {
        ctx.capture.clear();
        await get('/f/partial');
        await settle();
        expect(ctx.capture.entries()).toMatchObject([
          {
            operation: 'FluxController.partial',
            outcome: 'err',
            flux: { ok: 2, err: 2 },
            http: { status: 207 },
          },
        ]);
      });

      it('an NDJSON stream reports when it ends', async () => {
        ctx.capture.clear();
        await (await get('/f/ndjson')).text();
        await settle();
        expect(ctx.capture.entries()).toMatchObject([
          { operation: 'FluxController.ndjson', flux: { ok: 2, err: 1 } },
        ]);
      });
    });
  },
);

describe.each(adapterPipelines)(
  'production redaction on %s (%s pipeline)',
  (adapter, pipeline) => {
    let ctx: ResultTestContext;
    let base: string;

    beforeAll(async () => {
      ctx = await start(adapter, {
        environment: 'production',
        http: {
          pipeline,
          problemTypeBaseUrl: 'https://errors.example.com/',
          timingHeader: false,
        },
      });
      base = ctx.url!;
    });
    afterAll(() => ctx.close());

    it('a 5xx Err has a generic title and no internal message or details', async () => {
      const res = await fetch(`${base}/r/db`);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain('orders_pk');
      expect(text).not.toContain('insert');
      const body = JSON.parse(text) as ProblemDetails;
      expect(body).toMatchObject({
        title: 'Internal Server Error',
        code: 'DATABASE_ERROR',
        type: 'https://errors.example.com/database-error',
      });
      expect(body.details).toBeUndefined();
      // the server-side log line keeps what the body hides, under the same id
      expect(ctx).toHaveLogged({
        operation: 'ResultController.db',
        outcome: 'err',
        correlationId: res.headers.get('x-correlation-id'),
      });
      const [line] = ctx.capture.entries({ operation: 'ResultController.db' });
      expect(line.error).toMatchObject({
        code: 'DATABASE_ERROR',
        message: expect.stringContaining('orders_pk'),
      });
    });

    it('a 4xx keeps its detail', async () => {
      const body = (await (
        await fetch(`${base}/r/items/404`)
      ).json()) as ProblemDetails;
      expect(body.detail).toBe('item 404 not found');
      expect(body.details).toEqual({ resource: 'item', id: '404' });
      expect(body.type).toBe('https://errors.example.com/not-found');
    });

    it('http.timingHeader: false leaves Server-Timing out', async () => {
      const res = await fetch(`${base}/r/ok`);
      expect(res.status).toBe(200);
      expect(res.headers.get('server-timing')).toBeNull();
    });

    it('a thrown defect stays generic', async () => {
      const text = await (await fetch(`${base}/t/defect`)).text();
      expect(text).not.toContain('secret');
    });
  },
);

describe.each(['express', 'fastify'] as const)(
  'opting out on %s',
  (adapter) => {
    it('http.interceptor: false and http.exceptionFilter: false leave Nest defaults', async () => {
      const ctx = await start(adapter, {
        http: { interceptor: false, exceptionFilter: false },
      });
      try {
        const plain = await fetch(`${ctx.url}/t/http`);
        expect(plain.status).toBe(404);
        expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await plain.json()).toMatchObject({ statusCode: 404 });
        expect(plain.headers.get('server-timing')).toBeNull();
        // no interceptor pass: nothing timed, logged or counted
        expect(ctx.capture.entries()).toHaveLength(0);
        await expect(
          recordedOutcomes(ctx.metrics, 'ThrowController.http'),
        ).resolves.toEqual({ ok: 0, err: 0, defect: 0 });
      } finally {
        await ctx.close();
      }
    });
  },
);
