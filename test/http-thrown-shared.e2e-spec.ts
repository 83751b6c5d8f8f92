// One error object thrown by several requests (a module-level `new NotFoundException()` or a
// shared RfsError): each response is that request's own problem (correlation id, instance),
// also when the requests interleave between the throw and the exception filter (a user
// interceptor that awaits before rethrowing). Both pipelines, Express and Fastify.
import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  type NestInterceptor,
  Param,
  UseInterceptors,
} from '@nestjs/common';
import { RfsError } from 'nestjs-rfs';
import { type ResultTestContext, resultTestContext } from 'nestjs-rfs/testing';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { HTTP_ADAPTERS } from './support/http-adapters';

const SHARED = RfsError.notFound('item', 'shared');

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolved when request `a`'s error reached the interceptor / when `b` threw. */
let aCaught: Deferred;
let bThrown: Deferred;

/** Holds request `a`'s error until request `b` has thrown the same object. */
@Injectable()
class HoldInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<{
      params?: { id?: string };
    }>();
    const id = req.params?.id;
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (id === 'a') {
          aCaught.resolve();
          return from(bThrown.promise).pipe(
            mergeMap(() => throwError(() => error)),
          );
        }
        bThrown.resolve();
        return throwError(() => error);
      }),
    );
  }
}

@Controller('shared')
@UseInterceptors(HoldInterceptor)
class SharedErrorController {
  @Get(':id')
  find(@Param('id') _id: string): never {
    throw SHARED;
  }
}

describe.each(
  HTTP_ADAPTERS.flatMap(([platform, adapter]) =>
    (['interceptor', 'handler'] as const).map(
      (pipeline) => [platform, pipeline, adapter] as const,
    ),
  ),
)(
  'a shared error object thrown by two requests (%s, %s pipeline)',
  (_platform, pipeline, adapter) => {
    let ctx: ResultTestContext;

    beforeAll(async () => {
      ctx = await resultTestContext({
        controllers: [SharedErrorController],
        providers: [HoldInterceptor],
        http: adapter(),
        options: { alerts: false, dashboard: false, http: { pipeline } },
      });
    });
    afterAll(() => ctx.close());

    it("each response carries its own request's correlation id and instance", async () => {
      aCaught = deferred();
      bThrown = deferred();
      const a = fetch(`${ctx.url!}/shared/a`, {
        headers: { 'x-correlation-id': 'shared-a' },
      });
      await aCaught.promise;
      const b = await fetch(`${ctx.url!}/shared/b`, {
        headers: { 'x-correlation-id': 'shared-b' },
      });
      const ra = await a;
      expect([ra.status, b.status]).toEqual([404, 404]);
      expect(await ra.json()).toMatchObject({
        correlationId: 'shared-a',
        instance: '/shared/a',
      });
      expect(await b.json()).toMatchObject({
        correlationId: 'shared-b',
        instance: '/shared/b',
      });
    });
  },
);
