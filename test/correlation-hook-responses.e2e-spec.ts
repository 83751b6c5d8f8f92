// The id header (and Server-Timing) on every kind of response when the correlation context
// runs from the adapter's request hook. On Fastify the hook sets headers on the `reply` (Fastify
// writes them with the status line) instead of the raw response: every response Fastify or Nest
// writes must still carry them — Ok, Err, thrown, NDJSON, SSE, `@Res()`, CORS preflights, 404s.
import {
  Controller,
  Get,
  HttpCode,
  Module,
  NotFoundException,
  Res,
  Sse,
  type INestApplication,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import {
  err,
  FluxResponse,
  FluxResult,
  ok,
  RfsError,
  RfsModule,
  type Result,
} from 'nestjs-rfs';
import { UUID, portOf, startApp } from './support/correlation-app.fixtures';
import { HTTP_ADAPTERS } from './support/http-adapters';
import { localRequest } from './support/local-request';

interface ReplyLike {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
  send?: (body: unknown) => unknown;
  json?: (body: unknown) => unknown;
  status?: (code: number) => ReplyLike;
  code?: (code: number) => ReplyLike;
}

@Controller('kinds')
class KindsController {
  @Get('ok')
  ok(): Result<{ n: number }, RfsError> {
    return ok({ n: 1 });
  }

  @Get('err')
  err(): Result<{ n: number }, RfsError> {
    return err(RfsError.notFound('thing', '7'));
  }

  @Get('thrown')
  thrown(): never {
    throw new NotFoundException('gone');
  }

  @Get('ndjson')
  @FluxResponse({ mode: 'ndjson' })
  ndjson(): FluxResult<number, RfsError> {
    return FluxResult.ok(1, 2, 3);
  }

  @Sse('sse')
  sse(): FluxResult<number, RfsError> {
    return FluxResult.ok(1, 2);
  }

  @Get('passthrough')
  @HttpCode(202)
  passthrough(@Res({ passthrough: true }) res: ReplyLike): { done: true } {
    if (res.header) res.header('x-own', 'yes');
    else res.setHeader!('x-own', 'yes');
    return { done: true };
  }

  @Get('manual')
  manual(@Res() res: ReplyLike): void {
    if (res.code) res.code(200).send!({ manual: true });
    else res.status!(200).json!({ manual: true });
  }
}

@Module({
  imports: [RfsModule.forRoot({ logging: false, alerts: false })],
  controllers: [KindsController],
})
class AppModule {}

describe.each(HTTP_ADAPTERS)(
  'response headers from the correlation request hook (%s)',
  (_name, adapter: () => AbstractHttpAdapter) => {
    let app: INestApplication;
    let port: number;
    beforeAll(async () => {
      app = await startApp(AppModule, adapter(), (a) => a.enableCors());
      port = portOf(app);
      // the hook path is what this spec is about
      expect(
        (app.getHttpAdapter() as unknown as { onRequestHook?: unknown })
          .onRequestHook,
      ).toBeDefined();
    });
    afterAll(() => app.close());

    const get = (path: string, id?: string, method = 'GET') =>
      localRequest(port, path, {
        method,
        headers: id === undefined ? {} : { 'x-correlation-id': id },
      });

    it.each([
      ['/kinds/ok', 200],
      ['/kinds/err', 404],
      ['/kinds/thrown', 404],
      ['/kinds/ndjson', 200],
      ['/kinds/passthrough', 202],
      ['/kinds/manual', 200],
      ['/no/such/route', 404],
    ])('%s answers %i with the id echoed', async (path, status) => {
      const res = await get(path, `hook-${status}-${path.length}`);
      expect(res.status).toBe(status);
      expect(res.headers['x-correlation-id']).toBe(
        `hook-${status}-${path.length}`,
      );
    });

    it('generates an id when none comes in, once per response', async () => {
      const res = await get('/kinds/ok');
      expect(res.headers['x-correlation-id']).toMatch(UUID);
    });

    it('adds Server-Timing to Ok and Err answers of the Result boundary', async () => {
      for (const path of ['/kinds/ok', '/kinds/err']) {
        const res = await get(path, 'timing-1');
        expect(res.headers['server-timing']).toMatch(/^app;dur=\d+(\.\d)?$/);
      }
    });

    it('keeps the content types of NDJSON and SSE answers and their bodies', async () => {
      const nd = await get('/kinds/ndjson', 'nd-1');
      expect(nd.headers['content-type']).toContain('application/x-ndjson');
      expect(nd.body.trim().split('\n')).toHaveLength(3);
      // (fetch: Nest keeps an SSE socket open after the stream ends)
      const sse = await fetch(`http://127.0.0.1:${port}/kinds/sse`, {
        headers: { 'x-correlation-id': 'sse-1' },
      });
      expect(sse.status).toBe(200);
      expect(sse.headers.get('x-correlation-id')).toBe('sse-1');
      expect(sse.headers.get('content-type')).toContain('text/event-stream');
      expect(await sse.text()).toContain('data: 1');
    });

    it('keeps a header the handler set through @Res({ passthrough: true })', async () => {
      const res = await get('/kinds/passthrough', 'own-1');
      expect(res.headers['x-own']).toBe('yes');
      expect(JSON.parse(res.body)).toEqual({ done: true });
    });

    it('echoes the id on a CORS preflight', async () => {
      const res = await localRequest(port, '/kinds/ok', {
        method: 'OPTIONS',
        headers: {
          origin: 'http://example.test',
          'access-control-request-method': 'GET',
          'x-correlation-id': 'preflight-1',
        },
      });
      expect(res.status).toBeLessThan(300);
      expect(res.headers['x-correlation-id']).toBe('preflight-1');
    });
  },
);
