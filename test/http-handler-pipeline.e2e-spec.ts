// `http.pipeline: 'handler'`: what the interceptor-free pipeline adds over the shared e2e suite
// (test/http-{results,thrown,flux,telemetry}.e2e-spec.ts run every return kind on both
// pipelines): no interceptor registered, route metadata kept (guards, @HttpCode), non-route
// calls untouched, prototypes restored on close, options validated.
import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  Param,
  Post,
  Scope,
  UseGuards,
} from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  ResultHandlerPipeline,
  ResultInterceptor,
  type Result,
  RfsError,
  RfsOptionsError,
  err,
  isResult,
  ok,
  resolveRfsOptions,
} from 'nestjs-rfs';
import {
  type ResultTestContext,
  recordedOutcomes,
  resultTestContext,
} from 'nestjs-rfs/testing';
import 'nestjs-rfs/testing/jest';

/** What guards saw as the handler (name, length, metadata must survive the wrapping). */
const seenHandlers: { name: string; length: number; code: unknown }[] = [];

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    seenHandlers.push({
      name: handler.name,
      length: handler.length,
      code: Reflect.getMetadata(GUARDS_METADATA, handler),
    });
    throw RfsError.unauthorized('token expired');
  }
}

@Controller('items')
class ItemsController {
  @Get(':id')
  find(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return id === 'missing' ? err(RfsError.notFound('item', id)) : ok({ id });
  }

  @Post('queue')
  @HttpCode(202)
  queue(): Promise<Result<{ queued: true }, RfsError>> {
    return Promise.resolve(ok({ queued: true as const }));
  }

  @Get('secret/:id')
  @UseGuards(DenyGuard)
  secret(@Param('id') id: string): Result<string, RfsError> {
    return ok(id);
  }
}

/** Request-scoped: Nest creates it per request from the prototype. */
@Controller({ path: 'scoped', scope: Scope.REQUEST })
class ScopedController {
  @Get(':id')
  find(@Param('id') id: string): Result<{ scoped: string }, RfsError> {
    return id === 'missing'
      ? err(RfsError.notFound('scoped', id))
      : ok({ scoped: id });
  }
}

const originalScopedFind = ScopedController.prototype.find;

const originalFind = Object.getOwnPropertyDescriptor(
  ItemsController.prototype,
  'find',
)!.value as (id: string) => unknown;

const settle = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve));

async function start(
  adapter: 'express' | 'fastify',
): Promise<ResultTestContext> {
  return resultTestContext({
    controllers: [ItemsController, ScopedController],
    http: adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    options: {
      alerts: false,
      dashboard: false,
      http: { pipeline: 'handler' },
    },
  });
}

describe.each(['express', 'fastify'] as const)(
  "http.pipeline: 'handler' on %s",
  (adapter) => {
    let ctx: ResultTestContext;
    let base: string;

    beforeAll(async () => {
      ctx = await start(adapter);
      base = ctx.url!;
    });
    afterAll(() => ctx.close());
    beforeEach(() => ctx.capture.clear());

    it('the instance keeps the original method (the routes hold the wrapper)', () => {
      expect(ctx.module.get(ResultHandlerPipeline).active).toBe(true);
      expect(ctx.module.get(ItemsController).find).toBe(originalFind);
      expect(ItemsController.prototype.find).toBe(originalFind);
    });

    it('request-scoped controllers are unwrapped too', async () => {
      const okRes = await fetch(`${base}/scoped/5`);
      expect(okRes.status).toBe(200);
      expect(await okRes.json()).toEqual({ scoped: '5' });
      const errRes = await fetch(`${base}/scoped/missing`);
      expect(errRes.status).toBe(404);
      expect(await errRes.json()).toMatchObject({ code: 'NOT_FOUND' });
      await settle();
      expect(ctx.capture.entries()).toMatchObject([
        { operation: 'ScopedController.find', outcome: 'ok' },
        { operation: 'ScopedController.find', outcome: 'err' },
      ]);
    });

    it('runs no interceptor', async () => {
      const intercept = jest.spyOn(ResultInterceptor.prototype, 'intercept');
      try {
        expect((await fetch(`${base}/items/1`)).status).toBe(200);
        expect(intercept).not.toHaveBeenCalled();
      } finally {
        intercept.mockRestore();
      }
    });

    it('Ok and Err: status, body, correlation header, Server-Timing, one line and one count each', async () => {
      const before = await recordedOutcomes(
        ctx.metrics,
        'ItemsController.find',
      );
      const okRes = await fetch(`${base}/items/7`, {
        headers: { 'x-correlation-id': 'hp-ok' },
      });
      expect(okRes.status).toBe(200);
      expect(await okRes.json()).toEqual({ id: '7' });
      expect(okRes.headers.get('x-correlation-id')).toBe('hp-ok');
      expect(okRes.headers.get('server-timing')).toMatch(
        /^app;dur=\d+(\.\d)?$/,
      );
      const errRes = await fetch(`${base}/items/missing`, {
        headers: { 'x-correlation-id': 'hp-err' },
      });
      expect(errRes.status).toBe(404);
      expect(errRes.headers.get('content-type')).toMatch(
        /^application\/problem\+json/,
      );
      expect(errRes.headers.get('server-timing')).toMatch(/^app;dur=/);
      expect(await errRes.json()).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
        instance: '/items/missing',
        correlationId: 'hp-err',
      });
      await settle();
      expect(ctx.capture.entries()).toMatchObject([
        {
          operation: 'ItemsController.find',
          outcome: 'ok',
          correlationId: 'hp-ok',
          http: { method: 'GET', route: '/items/:id', status: 200 },
        },
        {
          operation: 'ItemsController.find',
          outcome: 'err',
          correlationId: 'hp-err',
          http: { method: 'GET', route: '/items/:id', status: 404 },
        },
      ]);
      const after = await recordedOutcomes(ctx.metrics, 'ItemsController.find');
      expect(after.ok - before.ok).toBe(1);
      expect(after.err - before.err).toBe(1);
    });

    it('@HttpCode is respected for an awaited Ok', async () => {
      const res = await fetch(`${base}/items/queue`, { method: 'POST' });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ queued: true });
      await settle();
      expect(ctx.capture.entries()).toMatchObject([
        { operation: 'ItemsController.queue', http: { status: 202 } },
      ]);
    });

    it('guards still run before the handler (401 problem, handler not called, no event)', async () => {
      const res = await fetch(`${base}/items/secret/1`);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      // the guard saw the wrapper Nest registered, with the original's name, length, metadata
      expect(seenHandlers.at(-1)).toEqual({
        name: 'secret',
        length: 1,
        code: [DenyGuard],
      });
      await settle();
      expect(ctx.capture.entries()).toHaveLength(0);
    });

    it('a direct call of the method (outside a request, or inside one) returns its Result untouched', async () => {
      const controller = ctx.module.get(ItemsController);
      const result = controller.find('missing');
      expect(isResult(result)).toBe(true);
      expect(result.isErr()).toBe(true);
      expect(ctx.withCorrelation(() => controller.find('1')).isOk()).toBe(true);
      await settle();
      expect(ctx.capture.entries()).toHaveLength(0);
    });
  },
);

describe("http.pipeline: 'handler' lifecycle and options", () => {
  it('restores a request-scoped controller prototype on close', async () => {
    const ctx = await start('express');
    expect(ScopedController.prototype.find).not.toBe(originalScopedFind);
    await ctx.close();
    expect(ScopedController.prototype.find).toBe(originalScopedFind);
  });

  it("is the default ('auto') when the correlation context covers every request", async () => {
    const ctx = await resultTestContext({
      controllers: [ItemsController],
      options: { alerts: false, dashboard: false },
    });
    try {
      expect(ctx.module.get(ResultHandlerPipeline).active).toBe(true);
    } finally {
      await ctx.close();
    }
  });

  it("does nothing with pipeline 'interceptor', or 'auto' without correlation on every route", async () => {
    for (const options of [
      { http: { pipeline: 'interceptor' as const } },
      { correlation: false as const },
      { correlation: { exclude: ['health'] } },
    ]) {
      const ctx = await resultTestContext({
        controllers: [ItemsController],
        options: { alerts: false, dashboard: false, ...options },
      });
      try {
        expect(ctx.module.get(ResultHandlerPipeline).active).toBe(false);
        expect(ItemsController.prototype.find).toBe(originalFind);
      } finally {
        await ctx.close();
      }
    }
  });

  it('does nothing with the interceptor pipeline (prototype untouched)', async () => {
    const ctx = await resultTestContext({
      controllers: [ItemsController],
      options: {
        alerts: false,
        dashboard: false,
        http: { pipeline: 'interceptor' },
      },
    });
    try {
      expect(ctx.module.get(ResultHandlerPipeline).active).toBe(false);
      expect(ItemsController.prototype.find).toBe(originalFind);
    } finally {
      await ctx.close();
    }
  });

  it('rejects an unknown pipeline and the handler pipeline without the exception filter', () => {
    expect(() =>
      resolveRfsOptions({ http: { pipeline: 'middleware' } }),
    ).toThrow(RfsOptionsError);
    expect(() =>
      resolveRfsOptions({ http: { pipeline: 'middleware' } }),
    ).toThrow(/http\.pipeline/);
    expect(() =>
      resolveRfsOptions({
        http: { pipeline: 'handler', exceptionFilter: false },
      }),
    ).toThrow(/http\.exceptionFilter/);
    // 'auto' resolves to the pipeline it stands for
    expect(resolveRfsOptions({}).http).toMatchObject({ pipeline: 'handler' });
    expect(
      resolveRfsOptions({ http: { exceptionFilter: false } }).http,
    ).toMatchObject({ pipeline: 'interceptor' });
    expect(
      resolveRfsOptions({ correlation: { forRoutes: ['orders'] } }).http,
    ).toMatchObject({ pipeline: 'interceptor' });
    expect(
      resolveRfsOptions({ correlation: false, http: { pipeline: 'handler' } })
        .http,
    ).toMatchObject({ pipeline: 'handler' });
  });
});
