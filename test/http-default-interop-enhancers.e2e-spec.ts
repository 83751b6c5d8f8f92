// Users' enhancers around routes with nestjs-rfs defaults (`http.pipeline: 'auto'` → the handler
// pipeline, which runs inside them): a global response-mapping interceptor, a timeout
// interceptor, guards and a validation-style pipe.
import {
  BadRequestException,
  Body,
  type CallHandler,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  HttpException,
  Injectable,
  type NestInterceptor,
  Param,
  type PipeTransform,
  Post,
  RequestTimeoutException,
  UnauthorizedException,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { MonoResult, type Result, RfsError, err, ok } from 'nestjs-rfs';
import {
  catchError,
  map,
  type Observable,
  throwError,
  timeout,
  TimeoutError,
} from 'rxjs';
import {
  eventually,
  expectProblem,
  useDefaultApp,
} from './http-default-interop.fixtures';
import { HTTP_PLATFORMS } from './support/http-adapters';

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

/** The TimeoutInterceptor of Nest's documentation. */
@Injectable()
class TimeoutInterceptor implements NestInterceptor {
  intercept(
    _context: ExecutionContext,
    next: CallHandler,
  ): Observable<unknown> {
    return next.handle().pipe(
      timeout(20),
      catchError((error: unknown) =>
        throwError(() =>
          error instanceof TimeoutError ? new RequestTimeoutException() : error,
        ),
      ),
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

const notFound = (id: string): Result<never, RfsError> =>
  err(RfsError.notFound('page', id));

@Controller('nest')
class GuardedController {
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

/** Held until the test releases it: the timeout always fires first, whatever the load. */
const slow = { release: () => {}, settled: false };

@Controller('slow')
class SlowController {
  @Get()
  @UseInterceptors(TimeoutInterceptor)
  run(): MonoResult<string, RfsError> {
    return MonoResult.fromPromise(
      () =>
        new Promise<string>(
          (resolve) => (slow.release = () => resolve('late')),
        ),
      (cause) => RfsError.internal(String(cause)),
    ).map((value) => {
      slow.settled = true;
      return value;
    });
  }
}

describe.each(HTTP_PLATFORMS)(
  'defaults with users’ enhancers on %s',
  (platform) => {
    const t = useDefaultApp(
      platform,
      [GuardedController, WrappedController, SlowController],
      [{ provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor }],
    );
    beforeEach(() => {
      thrownSeen.length = 0;
    });

    describe('a global interceptor mapping data => ({ data })', () => {
      it.each(['/wrapped/7', '/wrapped/mono/7'])(
        '%s: it sees the Ok value',
        async (path) => {
          const res = await t.send(path, 'wrap-1');
          expect(res.status).toBe(200);
          expect(JSON.parse(res.body)).toEqual({ data: { id: '7' } });
          expect(res.headers['x-correlation-id']).toBe('wrap-1');
          expect(thrownSeen).toEqual([]);
        },
      );

      it.each(['/wrapped/missing', '/wrapped/mono/missing'])(
        '%s: an Err reaches catchError as an HttpException; rethrown, the problem is written',
        async (path) => {
          const res = await t.send(path, 'wrap-2');
          expectProblem(res, 404, 'wrap-2', {
            code: 'NOT_FOUND',
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
        const res = await t.send('/nest/guarded/deny', 'guard-1');
        expectProblem(res, 403, 'guard-1', {
          instance: '/nest/guarded/deny',
        });
      });

      it('a guard throwing UnauthorizedException: 401 problem with its message', async () => {
        const res = await t.send('/nest/guarded/token', 'guard-2');
        expectProblem(res, 401, 'guard-2', { detail: 'token missing' });
      });
    });

    it('a pipe’s BadRequestException([messages]): 400 problem keeping the field errors; pino-http’s line only (the handler never ran)', async () => {
      const res = await t.send('/nest/validated', 'pipe-1', 'POST', {
        name: 1,
      });
      expectProblem(res, 400, 'pipe-1', {
        detail: 'name must be a string',
        errors: [{ field: 'name', message: 'name must be a string' }],
      });
      const good = await t.send('/nest/validated', 'pipe-2', 'POST', {
        name: 'ada',
      });
      expect(good.status).toBe(201);
      expect(JSON.parse(good.body)).toEqual({ hello: 'ada' });
      // pipes run before the wrapped method: no operation, one request line with the 400
      const lines = (id: string) => t.linesOf(id);
      await eventually(() => {
        expect(lines('pipe-1')).toHaveLength(1);
        expect(lines('pipe-2')).toHaveLength(1);
      });
      expect(lines('pipe-1')[0]).toMatchObject({
        msg: 'request completed',
        res: { statusCode: 400 },
      });
      expect(lines('pipe-1')[0].operation).toBeUndefined();
      expect(lines('pipe-2')[0]).toMatchObject({
        operation: 'GuardedController.validated',
        outcome: 'ok',
      });
    });

    it('a timeout interceptor’s 408 while the MonoResult still runs: the problem, one line with the 408', async () => {
      slow.settled = false;
      const res = await t.send('/slow', 'slow-1');
      expectProblem(res, 408, 'slow-1');
      await eventually(() => expect(t.linesOf('slow-1')).toHaveLength(1));
      expect(t.linesOf('slow-1')[0]).toMatchObject({
        operation: 'SlowController.run',
        outcome: 'err',
        http: { status: 408 },
        res: { statusCode: 408 },
      });
      // the handler settling later adds nothing
      slow.release();
      await eventually(() => expect(slow.settled).toBe(true));
      await new Promise((r) => setImmediate(r));
      expect(t.linesOf('slow-1')).toHaveLength(1);
    });
  },
);
