// What Nest users commonly put on routes, with nestjs-rfs defaults (`http.pipeline: 'auto'` →
// the handler pipeline; the correlation hook; rfsPinoHttp's one line per request): @Redirect,
// @Header, @HttpCode(204), HEAD requests, @Res() (passthrough and manual), StreamableFile, a
// global response-mapping interceptor, guards and a validation-style pipe.
import {
  BadRequestException,
  Body,
  type CallHandler,
  type CanActivate,
  Controller,
  Delete,
  type ExecutionContext,
  Get,
  Header,
  HttpCode,
  HttpException,
  Injectable,
  type INestApplication,
  Module,
  type NestInterceptor,
  Param,
  type PipeTransform,
  Post,
  Redirect,
  Res,
  StreamableFile,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import {
  MonoResult,
  type Result,
  RfsError,
  RfsModule,
  type RfsModuleOptions,
  err,
  getRfsOptionsToken,
  ok,
  rfsPinoHttp,
} from 'nestjs-rfs';
import { catchError, map, type Observable, throwError } from 'rxjs';
import { portOf, startApp } from './support/correlation-app.fixtures';
import { HTTP_PLATFORMS, httpAdapter } from './support/http-adapters';
import { type LocalReply, localRequest } from './support/local-request';
import { MemoryLogStream } from './support/memory-log.stream';

/** What the global interceptor's catchError saw. */
const thrownSeen: unknown[] = [];

/** The usual "envelope" interceptor, global, applied to WrappedController only. */
@Injectable()
class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getClass() !== WrappedController) return next.handle();
    return next.handle().pipe(
      map((data: unknown) => ({ data })),
      catchError((error: unknown) => {
        thrownSeen.push(error);
        return throwError(() => error);
      }),
    );
  }
}

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException('token missing');
  }
}

/** Validation without class-validator, shaped like ValidationPipe's default exception. */
class NamePipe implements PipeTransform {
  transform(value: { name?: unknown }): { name: string } {
    if (typeof value?.name !== 'string')
      throw new BadRequestException(['name must be a string']);
    return { name: value.name };
  }
}

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

  @Get('guarded/deny')
  @UseGuards(DenyGuard)
  denied(): Result<string, RfsError> {
    return ok('never');
  }

  @Get('guarded/token')
  @UseGuards(TokenGuard)
  tokenGuarded(): Result<string, RfsError> {
    return ok('never');
  }

  @Post('validated')
  validated(@Body(NamePipe) body: { name: string }): Result<object, RfsError> {
    return ok({ hello: body.name });
  }
}

@Controller('wrapped')
class WrappedController {
  @Get('mono/:id')
  mono(@Param('id') id: string): MonoResult<{ id: string }, RfsError> {
    return MonoResult.fromResult(id === 'missing' ? notFound(id) : ok({ id }));
  }

  @Get(':id')
  find(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return id === 'missing' ? notFound(id) : ok({ id });
  }
}

function appModule(stream: MemoryLogStream): new () => unknown {
  @Module({
    imports: [
      LoggerModule.forRoot({ pinoHttp: [rfsPinoHttp(), stream] }),
      RfsModule.forRoot({ alerts: false, dashboard: false }),
    ],
    controllers: [NestFeaturesController, WrappedController],
    providers: [{ provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor }],
  })
  class AppModule {}
  return AppModule;
}

const PROBLEM = /^application\/problem\+json/;

/** Polls `check` until it holds (pino-http writes its line after the response ends). */
async function eventually(check: () => void, deadlineMs = 10_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe.each(HTTP_PLATFORMS)(
  'defaults with common Nest features on %s',
  (platform) => {
    const stream = new MemoryLogStream();
    let app: INestApplication;
    let port: number;
    beforeAll(async () => {
      __resetOutOfContextForTests();
      app = await startApp(appModule(stream), httpAdapter(platform));
      port = portOf(app);
    });
    afterAll(() => app.close());
    beforeEach(() => {
      thrownSeen.length = 0;
    });

    const send = (
      path: string,
      id: string,
      method = 'GET',
      body?: unknown,
    ): Promise<LocalReply> =>
      localRequest(port, path, {
        method,
        headers: {
          'x-correlation-id': id,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    /** Lines of one request (by correlation id) that carry a handler's Result fields. */
    const linesOf = (id: string) =>
      stream.lines.filter((l) => l.correlationId === id && 'operation' in l);

    it("'auto' resolved to the handler pipeline", () => {
      const options = app.get<RfsModuleOptions>(getRfsOptionsToken());
      expect(options.http && options.http.pipeline).toBe('handler');
    });

    describe('@Redirect', () => {
      it('an Ok({ url }) overrides the decorator url, keeping its status', async () => {
        const res = await send('/nest/redirect/result', 'redir-1');
        expect(res.status).toBe(301);
        expect(res.headers.location).toBe('/y');
        expect(res.headers['x-correlation-id']).toBe('redir-1');
      });

      it('a plain { url, statusCode } overrides both', async () => {
        const res = await send('/nest/redirect/plain', 'redir-2');
        expect(res.status).toBe(302);
        expect(res.headers.location).toBe('/z');
        expect(res.headers['x-correlation-id']).toBe('redir-2');
      });

      it('Ok(undefined) redirects to the decorator url', async () => {
        const res = await send('/nest/redirect/default', 'redir-3');
        expect(res.status).toBe(301);
        expect(res.headers.location).toBe('/x');
      });

      it('an Err is a problem, not a redirect', async () => {
        const res = await send('/nest/redirect/err', 'redir-4');
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
      const res = await send('/nest/header', 'hdr-1');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-correlation-id']).toBe('hdr-1');
      expect(res.headers['server-timing']).toMatch(/^app;dur=\d/);
      expect(JSON.parse(res.body)).toEqual({ cached: false });
    });

    it('@HttpCode(204) with Ok(undefined): 204, no body', async () => {
      const res = await send('/nest/gone/1', 'del-1', 'DELETE');
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
      expect(res.headers['x-correlation-id']).toBe('del-1');
    });

    it('HEAD on a GET route: 200, no body, the id; one operation line', async () => {
      const res = await send('/nest/item/7', 'head-1', 'HEAD');
      expect(res.status).toBe(200);
      expect(res.body).toBe('');
      expect(res.headers['x-correlation-id']).toBe('head-1');
      await eventually(() => expect(linesOf('head-1')).toHaveLength(1));
      expect(linesOf('head-1')[0]).toMatchObject({
        operation: 'NestFeaturesController.item',
        outcome: 'ok',
      });
    });

    it('HEAD on a GET route whose handler returns an Err: its status, no body', async () => {
      const res = await send('/nest/item/missing', 'head-2', 'HEAD');
      expect(res.status).toBe(404);
      expect(res.body).toBe('');
      expect(res.headers['x-correlation-id']).toBe('head-2');
    });

    describe('@Res()', () => {
      it('passthrough: the handler’s headers and the Ok value', async () => {
        const res = await send('/nest/cookie', 'res-1');
        expect(res.status).toBe(200);
        expect(res.headers['set-cookie']).toEqual([
          'session=abc; Path=/; HttpOnly',
        ]);
        expect(res.headers['x-user']).toBe('passthrough');
        expect(res.headers['x-correlation-id']).toBe('res-1');
        expect(JSON.parse(res.body)).toEqual({ set: true });
      });

      it('manual: the handler’s response, once, with the id; one operation line', async () => {
        const res = await send('/nest/manual', 'res-2');
        expect(res.status).toBe(201);
        expect(res.headers['x-user']).toBe('manual');
        expect(res.headers['x-correlation-id']).toBe('res-2');
        expect(JSON.parse(res.body)).toEqual({ manual: true });
        await eventually(() => expect(linesOf('res-2')).toHaveLength(1));
        expect(linesOf('res-2')[0]).toMatchObject({
          operation: 'NestFeaturesController.manual',
          outcome: 'ok',
        });
      });
    });

    it('manual on Node’s response (reply.raw): the id and @Header still reach the client', async () => {
      const res = await send('/nest/manual/raw', 'res-3');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv');
      expect(res.headers['x-correlation-id']).toBe('res-3');
      expect(res.headers['x-route']).toBe('raw');
      expect(res.body).toBe('a,b\n');
      await eventually(() => expect(linesOf('res-3')).toHaveLength(1));
    });

    describe('StreamableFile', () => {
      it('returned directly: streamed with its type', async () => {
        const res = await send('/nest/file', 'file-1');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.headers['x-correlation-id']).toBe('file-1');
        expect(res.body).toBe('plain file');
      });

      it('inside Ok: streamed like a returned one', async () => {
        const res = await send('/nest/file/result', 'file-2');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.headers['x-correlation-id']).toBe('file-2');
        expect(res.body).toBe('file in a Result');
      });
    });

    describe('a global interceptor mapping data => ({ data })', () => {
      it.each(['/wrapped/7', '/wrapped/mono/7'])(
        '%s: it sees the Ok value',
        async (path) => {
          const res = await send(path, 'wrap-1');
          expect(res.status).toBe(200);
          expect(JSON.parse(res.body)).toEqual({ data: { id: '7' } });
          expect(res.headers['x-correlation-id']).toBe('wrap-1');
          expect(thrownSeen).toEqual([]);
        },
      );

      it.each(['/wrapped/missing', '/wrapped/mono/missing'])(
        '%s: an Err reaches catchError as an HttpException; rethrown, the problem is written',
        async (path) => {
          const res = await send(path, 'wrap-2');
          expect(res.status).toBe(404);
          expect(res.headers['content-type']).toMatch(PROBLEM);
          expect(res.headers['x-correlation-id']).toBe('wrap-2');
          expect(JSON.parse(res.body)).toMatchObject({
            status: 404,
            code: 'NOT_FOUND',
            correlationId: 'wrap-2',
            instance: path,
          });
          expect(thrownSeen).toHaveLength(1);
          const e = thrownSeen[0] as HttpException;
          expect(e).toBeInstanceOf(HttpException);
          expect(e.getStatus()).toBe(404);
          expect(e.getResponse()).toMatchObject({ code: 'NOT_FOUND' });
        },
      );
    });

    describe('guards', () => {
      it('a guard returning false: 403 problem with the correlation id', async () => {
        const res = await send('/nest/guarded/deny', 'guard-1');
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.headers['x-correlation-id']).toBe('guard-1');
        expect(JSON.parse(res.body)).toMatchObject({
          status: 403,
          correlationId: 'guard-1',
          instance: '/nest/guarded/deny',
        });
      });

      it('a guard throwing UnauthorizedException: 401 problem with its message', async () => {
        const res = await send('/nest/guarded/token', 'guard-2');
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(JSON.parse(res.body)).toMatchObject({
          status: 401,
          detail: 'token missing',
          correlationId: 'guard-2',
        });
      });
    });

    it('a pipe’s BadRequestException([messages]): 400 problem keeping the field errors', async () => {
      const res = await send('/nest/validated', 'pipe-1', 'POST', { name: 1 });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(JSON.parse(res.body)).toMatchObject({
        status: 400,
        detail: 'name must be a string',
        correlationId: 'pipe-1',
        errors: [{ field: 'name', message: 'name must be a string' }],
      });
      const good = await send('/nest/validated', 'pipe-2', 'POST', {
        name: 'ada',
      });
      expect(good.status).toBe(201);
      expect(JSON.parse(good.body)).toEqual({ hello: 'ada' });
    });
  },
);
