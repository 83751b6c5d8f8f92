import {
  type CanActivate,
  type LoggerService,
  Controller,
  type ExecutionContext,
  Get,
  Global,
  type INestApplication,
  Injectable,
  Module,
  Param,
  UseGuards,
  VersioningType,
} from '@nestjs/common';
import { type AbstractHttpAdapter, APP_INTERCEPTOR } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  OperationHub,
  type Result,
  RfsError,
  ResultInterceptor,
  err,
  ok,
} from 'nestjs-rfs';
import { RfsLogCapture, RfsTestingModule } from 'nestjs-rfs/testing';
import 'nestjs-rfs/testing/jest';

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw RfsError.unauthorized('token expired');
  }
}

@Controller({ path: 'orders', version: '1' })
class OrdersController {
  @Get(':id')
  find(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return id === 'missing' ? err(RfsError.notFound('order', id)) : ok({ id });
  }

  @Get('health/check')
  health(): string {
    return 'up';
  }

  @Get('boom/now')
  boom(): never {
    throw new Error('secret internal state');
  }

  @Get('secret/:id')
  @UseGuards(DenyGuard)
  secret(): string {
    return 'never';
  }
}

/** A provider the user's subclass depends on. */
@Injectable()
class OperationPrefix {
  readonly value = 'custom:';
}

/** Global, so RfsModule's provider (the subclass replaces ResultInterceptor there) can see it. */
@Global()
@Module({ providers: [OperationPrefix], exports: [OperationPrefix] })
class PrefixModule {}

/**
 * A user's subclass with a constructor of its own (it calls `super()` bare: the base's
 * dependencies are injected as properties): renames operations and skips the health route.
 */
@Injectable()
class TaggingInterceptor extends ResultInterceptor {
  constructor(private readonly prefix: OperationPrefix) {
    super();
  }

  protected override operationName(context: ExecutionContext): string {
    return `${this.prefix.value}${super.operationName(context)}`;
  }

  protected override isTracked(context: ExecutionContext): boolean {
    return context.getHandler().name !== 'health';
  }
}

/** Nest logger that keeps error lines (message, stack) for assertions. */
class CapturingLogger implements LoggerService {
  readonly errors: unknown[][] = [];
  log(): void {}
  warn(): void {}
  error(...args: unknown[]): void {
    this.errors.push(args);
  }
}

/**
 * `subclass`: `'override'` swaps ResultInterceptor's provider (a testing module's way);
 * `'provider'` is an application's way: `http.interceptor: false` and the subclass as APP_INTERCEPTOR.
 */
async function start(
  adapter: 'express' | 'fastify',
  subclass: false | 'override' | 'provider',
  logger: LoggerService | false = false,
  pipeline: 'interceptor' | 'handler' = 'interceptor',
): Promise<{ app: INestApplication; base: string; capture: RfsLogCapture }> {
  let builder = Test.createTestingModule({
    imports: [
      PrefixModule,
      // RfsModule with its Result log lines in memory (RfsLogCapture)
      RfsTestingModule.forRoot({
        environment: 'development',
        http:
          subclass === 'provider'
            ? { pipeline, interceptor: false, timingHeader: false }
            : { pipeline },
        metrics: false,
        alerts: false,
        dashboard: false,
      }),
    ],
    controllers: [OrdersController],
    providers:
      subclass === 'provider'
        ? [{ provide: APP_INTERCEPTOR, useClass: TaggingInterceptor }]
        : [],
  });
  if (subclass === 'override') {
    builder = builder
      .overrideProvider(ResultInterceptor)
      .useClass(TaggingInterceptor);
  }
  const moduleRef = await builder.compile();
  const httpAdapter: AbstractHttpAdapter =
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = moduleRef.createNestApplication(httpAdapter, { logger });
  app.setGlobalPrefix('api');
  app.enableVersioning({ type: VersioningType.URI });
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl(), capture: app.get(RfsLogCapture) };
}

const settle = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve));

describe.each(['express', 'fastify'] as const)(
  'ResultInterceptor with a global prefix, URI versioning and a subclass on %s',
  (adapter) => {
    describe('default interceptor', () => {
      let app: INestApplication;
      let base: string;
      let capture: RfsLogCapture;
      beforeAll(async () => {
        ({ app, base, capture } = await start(adapter, false));
      });
      afterAll(() => app.close());

      it('reports the route template with prefix and version, never the raw URL', async () => {
        capture.clear();
        const res = await fetch(`${base}/api/v1/orders/missing?x=1`);
        expect(res.status).toBe(404);
        expect(((await res.json()) as { instance: string }).instance).toBe(
          '/api/v1/orders/missing',
        );
        await settle();
        expect(capture.entries()).toMatchObject([
          {
            operation: 'OrdersController.find',
            outcome: 'err',
            http: { method: 'GET', route: '/api/v1/orders/:id', status: 404 },
          },
        ]);
      });

      it('declares every route operation at bootstrap', () => {
        const declared = OperationHub.declaredOperations();
        expect(declared.has('OrdersController.find')).toBe(true);
        expect(declared.has('OrdersController.secret')).toBe(true);
      });

      it('an error thrown by a guard (before the interceptor) is still a problem', async () => {
        const res = await fetch(`${base}/api/v1/orders/secret/1`);
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(
          /^application\/problem\+json/,
        );
        expect(await res.json()).toMatchObject({
          code: 'UNAUTHORIZED',
          detail: 'Authentication required: token expired',
        });
      });
    });

    describe("handler pipeline (http.pipeline: 'handler')", () => {
      let app: INestApplication;
      let base: string;
      let capture: RfsLogCapture;
      beforeAll(async () => {
        ({ app, base, capture } = await start(
          adapter,
          false,
          false,
          'handler',
        ));
      });
      afterAll(() => app.close());

      it.each([
        ['/api/v1/orders/missing?x=1', 'err', 404, '/api/v1/orders/:id'],
        ['/api/v1/orders/7', 'ok', 200, '/api/v1/orders/:id'],
      ])(
        '%s: the route label has the global prefix and the URI version',
        async (path, outcome, status, route) => {
          capture.clear();
          expect((await fetch(`${base}${path}`)).status).toBe(status);
          await settle();
          expect(capture.entries()).toMatchObject([
            {
              operation: 'OrdersController.find',
              outcome,
              http: { method: 'GET', route, status },
            },
          ]);
        },
      );
    });

    it('a defect is logged with its stack through the Nest logger, never sent', async () => {
      const logger = new CapturingLogger();
      const { app, base, capture } = await start(adapter, false, logger);
      try {
        const res = await fetch(`${base}/api/v1/orders/boom/now`);
        expect(res.status).toBe(500);
        expect(await res.text()).not.toContain('secret');
        const line = logger.errors.find((args) =>
          String(args[0]).includes('secret internal state'),
        );
        expect(line).toBeDefined();
        expect(String(line![1])).toMatch(
          /Error: secret internal state\n\s+at /,
        );
        expect(line![2]).toBe('ResultExceptionFilter');
        // and the request's one Result log line is a defect carrying the stack
        await settle();
        expect(capture).toHaveLogged({
          operation: 'OrdersController.boom',
          outcome: 'defect',
        });
        expect(capture.entries({ outcome: 'defect' })[0].error?.stack).toMatch(
          /Error: secret internal state\n\s+at /,
        );
      } finally {
        await app.close();
      }
    });

    describe.each([
      ['overrideProvider(ResultInterceptor)', 'override'],
      ['http.interceptor: false and APP_INTERCEPTOR', 'provider'],
    ] as const)('subclass via %s', (_how, subclass) => {
      let app: INestApplication;
      let base: string;
      let capture: RfsLogCapture;
      beforeAll(async () => {
        ({ app, base, capture } = await start(adapter, subclass));
      });
      afterAll(() => app.close());

      it('uses the overridden hooks and the module options', async () => {
        capture.clear();
        const found = await fetch(`${base}/api/v1/orders/7`);
        expect(found.status).toBe(200);
        // the 'provider' app sets http.timingHeader: false (the injected options are used)
        expect(found.headers.get('server-timing') !== null).toBe(
          subclass === 'override',
        );
        const health = await fetch(`${base}/api/v1/orders/health/check`);
        expect(await health.text()).toBe('up');
        expect(health.headers.get('server-timing')).toBeNull();
        await settle();
        expect(capture.entries().map((e) => e.operation)).toEqual([
          'custom:OrdersController.find',
        ]);
      });
    });
  },
);
