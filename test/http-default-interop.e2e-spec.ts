// What Nest users commonly put on routes, with nestjs-rfs defaults (`http.pipeline: 'auto'` →
// the handler pipeline; the correlation hook; rfsPinoHttp's one line per request): @Redirect,
// @Header, @HttpCode(204), HEAD requests, @Res() (passthrough, manual, Node's raw response) and
// StreamableFile. Users' enhancers: http-default-interop-enhancers.e2e-spec.ts.
import {
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Redirect,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  MonoResult,
  type Result,
  RfsError,
  type RfsModuleOptions,
  err,
  getRfsOptionsToken,
  ok,
} from 'nestjs-rfs';
import {
  eventually,
  PROBLEM,
  useDefaultApp,
} from './http-default-interop.fixtures';
import { HTTP_PLATFORMS } from './support/http-adapters';

/** Platform-neutral parts of Express's response and Fastify's reply. */
interface AnyResponse {
  header(name: string, value: string): AnyResponse;
  status(code: number): AnyResponse;
  send(body: unknown): unknown;
}

/** Node's response, reached as Fastify's `reply.raw` or Express's response itself. */
interface RawWriter {
  raw?: RawWriter;
  writeHead(status: number, headers: Record<string, string>): RawWriter;
  end(body: string): unknown;
}

const notFound = (id: string): Result<never, RfsError> =>
  err(RfsError.notFound('page', id));

@Controller('nest')
class NestFeaturesController {
  @Get('redirect/result')
  @Redirect('/x', 301)
  redirectResult(): Result<{ url: string }, RfsError> {
    return ok({ url: '/y' });
  }

  @Get('redirect/plain')
  @Redirect('/x', 301)
  redirectPlain(): { url: string; statusCode: number } {
    return { url: '/z', statusCode: 302 };
  }

  @Get('redirect/default')
  @Redirect('/x', 301)
  redirectDefault(): Result<undefined, RfsError> {
    return ok(undefined);
  }

  @Get('redirect/err')
  @Redirect('/x', 301)
  redirectErr(): Result<{ url: string }, RfsError> {
    return notFound('old');
  }

  @Get('header')
  @Header('cache-control', 'no-store')
  header(): Result<{ cached: boolean }, RfsError> {
    return ok({ cached: false });
  }

  @Delete('gone/:id')
  @HttpCode(204)
  remove(): MonoResult<undefined, RfsError> {
    return MonoResult.ok(undefined);
  }

  @Get('item/:id')
  item(@Param('id') id: string): MonoResult<{ id: string }, RfsError> {
    return MonoResult.fromResult(id === 'missing' ? notFound(id) : ok({ id }));
  }

  @Get('cookie')
  cookie(
    @Res({ passthrough: true }) res: AnyResponse,
  ): Result<{ set: boolean }, RfsError> {
    res.header('set-cookie', 'session=abc; Path=/; HttpOnly');
    res.header('x-user', 'passthrough');
    return ok({ set: true });
  }

  @Get('manual')
  async manual(@Res() res: AnyResponse): Promise<void> {
    await new Promise((r) => setImmediate(r));
    res.status(201).header('x-user', 'manual').send({ manual: true });
  }

  @Get('manual/raw')
  @Header('x-route', 'raw')
  manualRaw(@Res() res: RawWriter): void {
    // streaming-style handlers write Node's response directly, bypassing Fastify's reply
    (res.raw ?? res)
      .writeHead(200, { 'content-type': 'text/csv' })
      .end('a,b\n');
  }

  @Get('file')
  file(): StreamableFile {
    return new StreamableFile(Buffer.from('plain file'), {
      type: 'text/plain',
    });
  }

  @Get('file/result')
  fileResult(): Result<StreamableFile, RfsError> {
    return ok(
      new StreamableFile(Buffer.from('file in a Result'), {
        type: 'text/plain',
      }),
    );
  }
}

describe.each(HTTP_PLATFORMS)(
  'defaults with common Nest features on %s',
  (platform) => {
    const t = useDefaultApp(platform, [NestFeaturesController]);

    it("'auto' resolved to the handler pipeline", () => {
      const options = t.app.get<RfsModuleOptions>(getRfsOptionsToken());
      expect(options.http && options.http.pipeline).toBe('handler');
    });

    describe('@Redirect', () => {
      it('an Ok({ url }) overrides the decorator url, keeping its status', async () => {
        const res = await t.send('/nest/redirect/result', 'redir-1');
        expect(res.status).toBe(301);
        expect(res.headers.location).toBe('/y');
        expect(res.headers['x-correlation-id']).toBe('redir-1');
      });

      it('a plain { url, statusCode } overrides both', async () => {
        const res = await t.send('/nest/redirect/plain', 'redir-2');
        expect(res.status).toBe(302);
        expect(res.headers.location).toBe('/z');
        expect(res.headers['x-correlation-id']).toBe('redir-2');
      });

      it('Ok(undefined) redirects to the decorator url', async () => {
        const res = await t.send('/nest/redirect/default', 'redir-3');
        expect(res.status).toBe(301);
        expect(res.headers.location).toBe('/x');
      });

      it('an Err is a problem, not a redirect', async () => {
        const res = await t.send('/nest/redirect/err', 'redir-4');
        expect(res.status).toBe(404);
        expect(res.headers.location).toBeUndefined();
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(JSON.parse(res.body)).toMatchObject({
          status: 404,
          correlationId: 'redir-4',
        });
      });
    });

    it('@Header is set next to the id and Server-Timing', async () => {
      const res = await t.send('/nest/header', 'hdr-1');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-correlation-id']).toBe('hdr-1');
      expect(res.headers['server-timing']).toMatch(/^app;dur=\d/);
      expect(JSON.parse(res.body)).toEqual({ cached: false });
    });

    it('@HttpCode(204) with Ok(undefined): 204, no body', async () => {
      const res = await t.send('/nest/gone/1', 'del-1', 'DELETE');
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
      expect(res.headers['x-correlation-id']).toBe('del-1');
    });

    it('HEAD on a GET route: 200, no body, the id; one operation line', async () => {
      const res = await t.send('/nest/item/7', 'head-1', 'HEAD');
      expect(res.status).toBe(200);
      expect(res.body).toBe('');
      expect(res.headers['x-correlation-id']).toBe('head-1');
      await eventually(() => expect(t.linesOf('head-1')).toHaveLength(1));
      expect(t.linesOf('head-1')[0]).toMatchObject({
        operation: 'NestFeaturesController.item',
        outcome: 'ok',
      });
    });

    it('HEAD on a GET route whose handler returns an Err: its status, no body', async () => {
      const res = await t.send('/nest/item/missing', 'head-2', 'HEAD');
      expect(res.status).toBe(404);
      expect(res.body).toBe('');
      expect(res.headers['x-correlation-id']).toBe('head-2');
    });

    describe('@Res()', () => {
      it('passthrough: the handler’s headers and the Ok value', async () => {
        const res = await t.send('/nest/cookie', 'res-1');
        expect(res.status).toBe(200);
        expect(res.headers['set-cookie']).toEqual([
          'session=abc; Path=/; HttpOnly',
        ]);
        expect(res.headers['x-user']).toBe('passthrough');
        expect(res.headers['x-correlation-id']).toBe('res-1');
        expect(JSON.parse(res.body)).toEqual({ set: true });
      });

      it('manual: the handler’s response, once, with the id; one operation line', async () => {
        const res = await t.send('/nest/manual', 'res-2');
        expect(res.status).toBe(201);
        expect(res.headers['x-user']).toBe('manual');
        expect(res.headers['x-correlation-id']).toBe('res-2');
        expect(JSON.parse(res.body)).toEqual({ manual: true });
        await eventually(() => expect(t.linesOf('res-2')).toHaveLength(1));
        expect(t.linesOf('res-2')[0]).toMatchObject({
          operation: 'NestFeaturesController.manual',
          outcome: 'ok',
        });
      });
    });

    it('manual on Node’s response (reply.raw): the id and @Header still reach the client', async () => {
      const res = await t.send('/nest/manual/raw', 'res-3');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv');
      expect(res.headers['x-correlation-id']).toBe('res-3');
      expect(res.headers['x-route']).toBe('raw');
      expect(res.body).toBe('a,b\n');
      await eventually(() => expect(t.linesOf('res-3')).toHaveLength(1));
    });

    describe('StreamableFile', () => {
      it('returned directly: streamed with its type', async () => {
        const res = await t.send('/nest/file', 'file-1');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.headers['x-correlation-id']).toBe('file-1');
        expect(res.body).toBe('plain file');
      });

      it('inside Ok: streamed like a returned one', async () => {
        const res = await t.send('/nest/file/result', 'file-2');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.headers['x-correlation-id']).toBe('file-2');
        expect(res.body).toBe('file in a Result');
      });
    });
  },
);

describe.each(HTTP_PLATFORMS)(
  "http.pipeline: 'interceptor' with the default correlation hook on %s",
  (platform) => {
    const t = useDefaultApp(platform, [NestFeaturesController], [], {
      http: { pipeline: 'interceptor' },
    });

    it('manual on Node’s response (reply.raw): the id and @Header still reach the client', async () => {
      const res = await t.send('/nest/manual/raw', 'icpt-raw');
      expect(res.status).toBe(200);
      expect(res.headers['x-correlation-id']).toBe('icpt-raw');
      expect(res.headers['x-route']).toBe('raw');
      expect(res.body).toBe('a,b\n');
    });
  },
);
