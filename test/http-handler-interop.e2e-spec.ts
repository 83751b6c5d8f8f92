// What users' own enhancers meet when a handler returns an Err: on the handler pipeline the Err
// is thrown (as PreparedHttpResponse, an HttpException with the problem's status and body), so
// a catch-all filter or an interceptor's catchError around the handler sees a standard Nest
// exception; on the interceptor pipeline the global ResultInterceptor renders the Err and user
// enhancers inside it never see a throw.
import {
  type ArgumentsHost,
  Catch,
  type CallHandler,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  Get,
  HttpException,
  Injectable,
  type INestApplication,
  Module,
  type NestInterceptor,
  Param,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import {
  FluxResult,
  type Result,
  RfsError,
  RfsModule,
  err,
  isResult,
  ok,
} from 'nestjs-rfs';
import { catchError, type Observable, tap, throwError } from 'rxjs';
import { HTTP_PLATFORMS, httpAdapter } from './support/http-adapters';
import { startLocalApp } from './support/local-app';

/** What a user's enhancer saw: thrown values and emitted values. */
const seen: { thrown: unknown[]; values: unknown[] } = {
  thrown: [],
  values: [],
};

/** The usual catch-all: HttpExceptions keep their status and body, anything else is a 500. */
@Catch()
@Injectable()
class CatchAllFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    seen.thrown.push(exception);
    const adapter = this.adapterHost.httpAdapter;
    const res: unknown = host.switchToHttp().getResponse();
    const http = exception instanceof HttpException;
    adapter.setHeader(res, 'x-user-filter', 'catch-all');
    adapter.reply(
      res,
      http ? exception.getResponse() : { message: 'Internal server error' },
      http ? exception.getStatus() : 500,
    );
  }
}

/** A user filter delegating to Nest's own (BaseExceptionFilter renders HttpExceptions). */
@Catch()
class DelegatingFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    seen.thrown.push(exception);
    super.catch(exception, host);
  }
}

/** Records what comes out of the handler and rethrows errors unchanged. */
@Injectable()
class RecordingInterceptor implements NestInterceptor {
  intercept(
    _context: ExecutionContext,
    next: CallHandler,
  ): Observable<unknown> {
    return next.handle().pipe(
      tap((value: unknown) => seen.values.push(value)),
      catchError((error: unknown) => {
        seen.thrown.push(error);
        return throwError(() => error);
      }),
    );
  }
}

const find = (id: string): Result<{ id: string }, RfsError> =>
  id === 'missing' ? err(RfsError.notFound('order', id)) : ok({ id });

const partialBatch = (): FluxResult<number, RfsError> =>
  FluxResult.fromResults<number, RfsError>([
    ok(1),
    err(RfsError.notFound('n', 2)),
  ]);

@Controller('filtered')
@UseFilters(CatchAllFilter)
class FilteredController {
  @Get('batch/partial')
  batch(): FluxResult<number, RfsError> {
    return partialBatch();
  }

  @Get('boom/now')
  boom(): never {
    throw new Error('not an HttpException');
  }

  @Get(':id')
  find(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return find(id);
  }
}

@Controller('delegating')
@UseFilters(DelegatingFilter)
class DelegatingController {
  @Get(':id')
  find(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return find(id);
  }
}

@Controller('intercepted')
class InterceptedController {
  @Get('batch/partial')
  @UseInterceptors(RecordingInterceptor)
  batch(): FluxResult<number, RfsError> {
    return partialBatch();
  }

  @Get(':id')
  @UseInterceptors(RecordingInterceptor)
  find(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return find(id);
  }
}

function appModule(pipeline: 'handler' | 'interceptor'): new () => unknown {
  @Module({
    imports: [
      RfsModule.forRoot({
        environment: 'development',
        http: { pipeline },
        logging: false,
        metrics: false,
        alerts: false,
        dashboard: false,
      }),
    ],
    controllers: [
      FilteredController,
      DelegatingController,
      InterceptedController,
    ],
  })
  class AppModule {}
  return AppModule;
}

const PROBLEM = /^application\/problem\+json/;

const notFoundProblem = (correlationId: string, instance: string) => ({
  type: expect.any(String) as unknown,
  title: 'Not Found',
  status: 404,
  code: 'NOT_FOUND',
  detail: expect.stringContaining('missing') as unknown,
  instance,
  correlationId,
  details: { resource: 'order', id: 'missing' },
});

describe.each(HTTP_PLATFORMS)(
  'users’ filters and interceptors on %s',
  (platform) => {
    let app: INestApplication | undefined;
    let base: string;

    const start = async (
      pipeline: 'handler' | 'interceptor',
    ): Promise<void> => {
      ({ app, base } = await startLocalApp(
        appModule(pipeline),
        httpAdapter(platform),
      ));
    };
    const get = (path: string, id = 'interop-1'): Promise<Response> =>
      fetch(`${base}${path}`, { headers: { 'x-correlation-id': id } });

    beforeEach(() => {
      seen.thrown.length = 0;
      seen.values.length = 0;
    });
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    describe("http.pipeline: 'handler' (Errs are thrown)", () => {
      beforeEach(() => start('handler'));

      it('a controller @Catch() filter sees an HttpException: the client gets the Err status and problem body', async () => {
        const res = await get('/filtered/missing', 'cid-filter');
        expect(res.status).toBe(404);
        expect(res.headers.get('x-user-filter')).toBe('catch-all');
        expect(await res.json()).toEqual(
          notFoundProblem('cid-filter', '/filtered/missing'),
        );
        expect(seen.thrown).toHaveLength(1);
        const e = seen.thrown[0] as HttpException;
        expect(e).toBeInstanceOf(HttpException);
        expect(e).toBeInstanceOf(Error);
        expect(e.getStatus()).toBe(404);
        expect(typeof e.stack).toBe('string');
        expect(e.message).toContain('missing');
        // logging or serialising it does not throw
        expect(JSON.parse(JSON.stringify(e))).toMatchObject({
          status: 404,
          response: { code: 'NOT_FOUND' },
        });
      });

      it('a partial batch (207) reaches the filter as an HttpException with the batch envelope', async () => {
        const res = await get('/filtered/batch/partial');
        expect(res.status).toBe(207);
        expect(res.headers.get('x-batch-failed')).toBe('1');
        expect(await res.json()).toMatchObject({
          success: false,
          summary: { total: 2, successful: 1, failed: 1 },
          results: [1],
        });
        expect((seen.thrown[0] as HttpException).getStatus()).toBe(207);
      });

      it('a thrown non-HttpException still gets the filter’s 500 (control)', async () => {
        const res = await get('/filtered/boom/now');
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ message: 'Internal server error' });
      });

      it('a filter delegating to BaseExceptionFilter renders the Err status and problem body', async () => {
        const res = await get('/delegating/missing', 'cid-base');
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual(
          notFoundProblem('cid-base', '/delegating/missing'),
        );
        expect(seen.thrown[0]).toBeInstanceOf(HttpException);
      });

      it('an interceptor’s catchError sees an HttpException; rethrown, ResultExceptionFilter writes the problem', async () => {
        const res = await get('/intercepted/missing', 'cid-icpt');
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(PROBLEM);
        expect(res.headers.get('x-correlation-id')).toBe('cid-icpt');
        expect(await res.json()).toEqual(
          notFoundProblem('cid-icpt', '/intercepted/missing'),
        );
        expect(seen.values).toEqual([]);
        expect(seen.thrown).toHaveLength(1);
        const e = seen.thrown[0] as HttpException;
        expect(e).toBeInstanceOf(HttpException);
        expect(e.getStatus()).toBe(404);
        expect(e.getResponse()).toMatchObject({
          status: 404,
          code: 'NOT_FOUND',
          correlationId: 'cid-icpt',
        });
      });

      it('a rethrown 207 batch is written as the batch, not re-mapped as an error', async () => {
        const res = await get('/intercepted/batch/partial');
        expect(res.status).toBe(207);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await res.json()).toMatchObject({
          success: false,
          summary: { total: 2, failed: 1 },
        });
        expect((seen.thrown[0] as HttpException).getStatus()).toBe(207);
      });

      it('an Ok passes the interceptor as its value', async () => {
        const res = await get('/intercepted/7');
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ id: '7' });
        expect(seen).toEqual({ thrown: [], values: [{ id: '7' }] });
      });
    });

    describe("http.pipeline: 'interceptor' (Errs are rendered, never thrown)", () => {
      beforeEach(() => start('interceptor'));

      it('the controller filter never sees an Err: ResultInterceptor writes the problem', async () => {
        const res = await get('/filtered/missing', 'cid-filter');
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(PROBLEM);
        expect(res.headers.get('x-user-filter')).toBeNull();
        expect(await res.json()).toEqual(
          notFoundProblem('cid-filter', '/filtered/missing'),
        );
        expect(seen.thrown).toEqual([]);
      });

      it('a thrown non-HttpException still reaches the controller filter (500)', async () => {
        const res = await get('/filtered/boom/now');
        expect(res.status).toBe(500);
        expect(res.headers.get('x-user-filter')).toBe('catch-all');
        expect(seen.thrown[0]).toBeInstanceOf(Error);
      });

      it('an interceptor inside the global ResultInterceptor sees the Err Result as a value', async () => {
        const res = await get('/intercepted/missing', 'cid-icpt');
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(PROBLEM);
        expect(await res.json()).toEqual(
          notFoundProblem('cid-icpt', '/intercepted/missing'),
        );
        expect(seen.thrown).toEqual([]);
        expect(seen.values).toHaveLength(1);
        const value = seen.values[0];
        expect(isResult(value) && value.isErr()).toBe(true);
      });
    });
  },
);
