import {
  Controller,
  Get,
  HttpCode,
  type INestApplication,
  type MessageEvent,
  Module,
  NotFoundException,
  Param,
  Post,
  Sse,
} from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
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
  type OperationEvent,
  OperationHub,
  type Page,
  PageQuery,
  type PageRequest,
  type ProblemDetails,
  type Result,
  RfsError,
  RfsModule,
  type RfsModuleOptionsInput,
  RfsOperation,
  RequestAbortSignal,
  err,
  ok,
  toPage,
  toSse,
} from 'nestjs-rfs';

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

async function start(
  adapter: 'express' | 'fastify',
  options: RfsModuleOptionsInput,
): Promise<{ app: INestApplication; base: string; events: OperationEvent[] }> {
  // Only the sections under test: logging needs nestjs-pino's LoggerModule, metrics a registry.
  const isolated: RfsModuleOptionsInput = {
    logging: false,
    metrics: false,
    alerts: false,
    dashboard: false,
    ...options,
  };
  @Module({ imports: [RfsModule.forRoot(isolated)], controllers })
  class AppModule {}
  const httpAdapter: AbstractHttpAdapter =
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(AppModule, httpAdapter, {
    logger: false,
  });
  const events: OperationEvent[] = [];
  app.get(OperationHub).addListener({ onOperation: (e) => events.push(e) });
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl(), events };
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

describe.each(['express', 'fastify'] as const)(
  'Result → HTTP on %s',
  (adapter) => {
    let app: INestApplication;
    let base: string;
    let events: OperationEvent[];

    beforeAll(async () => {
      ({ app, base, events } = await start(adapter, {
        environment: 'development',
        http: {
          errorStatus: { PAYMENT_REQUIRED: 402, QuotaError: 429 },
          errorMapper: (e) => (e instanceof TeapotError ? 418 : undefined),
        },
      }));
    });
    afterAll(() => app.close());

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
          events.length = 0;
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
          expect(events).toHaveLength(1);
          expect(events[0]).toMatchObject({
            outcome: 'err',
            http: { status: 499 },
          });
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
          expect(typeof body.correlationId).toBe('string');
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
        expect(typeof body.correlationId).toBe('string');
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
            error: expect.objectContaining({ status: 404, code: 'NOT_FOUND' }),
          },
          { ok: true, value: 3 },
        ]);
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

    describe('OperationEvent (one per request)', () => {
      const settle = (): Promise<void> =>
        new Promise((resolve) => setImmediate(resolve));

      it('carries the operation, route template, status, outcome and correlation id', async () => {
        events.length = 0;
        await get('/r/items/404', { headers: { 'x-correlation-id': 'ev-1' } });
        await get('/r/ok');
        await settle();
        expect(events).toHaveLength(2);
        expect(events[0]).toMatchObject({
          source: 'http',
          operation: 'items.get',
          outcome: 'err',
          correlationId: 'ev-1',
          http: { method: 'GET', route: '/r/items/:id', status: 404 },
        });
        expect(events[0].error).toBeInstanceOf(RfsError);
        expect(events[1]).toMatchObject({
          operation: 'ResultController.ok',
          outcome: 'ok',
          http: { route: '/r/ok', status: 200 },
        });
        expect(events[1].durationMs).toBeGreaterThanOrEqual(0);
      });

      it('a thrown unknown error is a defect; a thrown HttpException an err', async () => {
        events.length = 0;
        await get('/t/defect');
        await get('/t/http');
        await settle();
        expect(events.map((e) => [e.outcome, e.http?.status])).toEqual([
          ['defect', 500],
          ['err', 404],
        ]);
      });

      it('a batch reports item counts', async () => {
        events.length = 0;
        await get('/f/partial');
        await settle();
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          outcome: 'err',
          flux: { ok: 2, err: 2 },
          http: { status: 207 },
        });
      });

      it('an NDJSON stream reports when it ends', async () => {
        events.length = 0;
        await (await get('/f/ndjson')).text();
        await settle();
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ flux: { ok: 2, err: 1 } });
      });
    });
  },
);

describe.each(['express', 'fastify'] as const)(
  'production redaction on %s',
  (adapter) => {
    let app: INestApplication;
    let base: string;

    beforeAll(async () => {
      ({ app, base } = await start(adapter, {
        environment: 'production',
        http: {
          problemTypeBaseUrl: 'https://errors.example.com/',
          timingHeader: false,
        },
      }));
    });
    afterAll(() => app.close());

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
      const { app, base, events } = await start(adapter, {
        http: { interceptor: false, exceptionFilter: false },
      });
      try {
        const plain = await fetch(`${base}/t/http`);
        expect(plain.status).toBe(404);
        expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await plain.json()).toMatchObject({ statusCode: 404 });
        expect(plain.headers.get('server-timing')).toBeNull();
        expect(events).toHaveLength(0);
      } finally {
        await app.close();
      }
    });
  },
);
