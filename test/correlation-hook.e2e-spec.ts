import {
  Controller,
  Get,
  Injectable,
  Module,
  Post,
  Body,
  Req,
  type INestApplication,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
  RequestMethod,
  VersioningType,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import {
  CorrelationContext,
  CorrelationRejections,
  RfsModule,
  type RfsModuleForRootOptions,
} from 'nestjs-rfs';
import { UUID, portOf, startApp } from './support/correlation-app.fixtures';
import { HTTP_ADAPTERS, httpAdapter } from './support/http-adapters';
import { localRequest, type LocalReply } from './support/local-request';

/** The id a user's own Nest middleware sees (it runs after the request hook). */
const SEEN = Symbol('seen-by-user-middleware');

@Injectable()
class UserMiddleware implements NestMiddleware {
  use(req: object, _res: unknown, next: () => void): void {
    (req as { [SEEN]?: string })[SEEN] = CorrelationContext.getId() ?? 'none';
    next();
  }
}

@Controller('items')
class ItemsController {
  @Post('echo')
  async echo(@Body() body: unknown): Promise<{ id?: string; body: unknown }> {
    await new Promise((r) => setImmediate(r));
    return { id: CorrelationContext.getId(), body };
  }

  @Get('id')
  async id(): Promise<{ id?: string }> {
    await new Promise((r) => setImmediate(r));
    return { id: CorrelationContext.getId() };
  }
}

@Controller('user')
class UserSeenController {
  @Get('mw')
  mw(@Req() req: { raw?: object }): { seen?: string } {
    return { seen: ((req.raw ?? req) as { [SEEN]?: string })[SEEN] };
  }
}

function appModule(options: RfsModuleForRootOptions): new () => unknown {
  @Module({
    imports: [RfsModule.forRoot({ logging: false, ...options })],
    controllers: [ItemsController, UserSeenController],
    providers: [UserMiddleware],
  })
  class AppModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(UserMiddleware).forRoutes('*');
    }
  }
  return AppModule;
}

interface Started {
  app: INestApplication;
  port: number;
  /** Whether the correlation hook holds the adapter's request hook slot. */
  hooked: boolean;
}

async function start(
  adapter: () => AbstractHttpAdapter,
  options: RfsModuleForRootOptions = {},
  setup: (app: INestApplication) => void = () => undefined,
): Promise<Started> {
  const app = await startApp(appModule(options), adapter(), setup);
  const port = portOf(app);
  const hooked =
    (app.getHttpAdapter() as unknown as { onRequestHook?: unknown })
      .onRequestHook !== undefined;
  return { app, port, hooked };
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<LocalReply> {
  return localRequest(port, path, { headers });
}

function post(port: number, body: string, id: string): Promise<LocalReply> {
  return localRequest(port, '/items/echo', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-correlation-id': id },
  });
}

describe.each(HTTP_ADAPTERS)(
  'correlation from the adapter request hook (%s)',
  (_name, adapter) => {
    let s: Started;
    beforeAll(async () => {
      s = await start(adapter);
    });
    afterAll(() => s.app.close());

    it('uses the request hook with the default forRoutes/exclude', () => {
      expect(s.hooked).toBe(true);
    });

    it('echoes, generates and exposes ids as the middleware does', async () => {
      const valid = await get(s.port, '/items/id', { 'x-request-id': 'h-1' });
      expect(valid.headers['x-correlation-id']).toBe('h-1');
      expect(JSON.parse(valid.body)).toEqual({ id: 'h-1' });
      const fresh = await get(s.port, '/items/id');
      expect(fresh.headers['x-correlation-id']).toMatch(UUID);
      expect(JSON.parse(fresh.body).id).toBe(fresh.headers['x-correlation-id']);
    });

    it('replaces and counts an invalid id once, never echoing it', async () => {
      const before = CorrelationRejections.count();
      const r = await get(s.port, '/items/id', { 'x-correlation-id': 'a b' });
      expect(CorrelationRejections.count()).toBe(before + 1);
      expect(r.headers['x-correlation-id']).toMatch(UUID);
      expect(JSON.parse(r.body).id).toBe(r.headers['x-correlation-id']);
    });

    it('sets the header on unmatched routes', async () => {
      const r = await get(s.port, '/nowhere', { 'x-correlation-id': 'nf-1' });
      expect(r.status).toBe(404);
      expect(r.headers['x-correlation-id']).toBe('nf-1');
    });

    it('keeps the context through body parsing, without the Result interceptor too', async () => {
      const quiet = await start(adapter, { http: { interceptor: false } });
      try {
        for (const port of [s.port, quiet.port]) {
          const body = JSON.stringify({ blob: 'z'.repeat(90_000) });
          const r = await post(port, body, 'b-1');
          expect(r.status).toBe(201);
          expect(r.headers['x-correlation-id']).toBe('b-1');
          expect(JSON.parse(r.body).id).toBe('b-1');
        }
      } finally {
        await quiet.app.close();
      }
    });

    it('runs the user middleware inside the context (hook before Nest middleware)', async () => {
      const r = await get(s.port, '/user/mw', { 'x-correlation-id': 'u-1' });
      expect(JSON.parse(r.body)).toEqual({ seen: 'u-1' });
    });
  },
);

describe.each(HTTP_ADAPTERS)(
  'correlation through Nest middleware when the hook would not match Nest (%s)',
  (_name, adapter) => {
    it.each<[string, RfsModuleForRootOptions, (app: INestApplication) => void]>(
      [
        [
          'an exclude list',
          { correlation: { exclude: ['items/id'] } },
          () => undefined,
        ],
        [
          'a forRoutes path',
          { correlation: { forRoutes: ['items/{*rest}'] } },
          () => undefined,
        ],
        [
          'a forRoutes method',
          {
            correlation: {
              forRoutes: [{ path: '*', method: RequestMethod.GET }],
            },
          },
          () => undefined,
        ],
      ],
    )('uses the middleware with %s', async (_label, options, setup) => {
      const s = await start(adapter, options, setup);
      try {
        expect(s.hooked).toBe(false);
      } finally {
        await s.app.close();
      }
    });

    it('keeps the hook with URI versioning without a default version', async () => {
      const s = await start(adapter, {}, (app) =>
        app.enableVersioning({ type: VersioningType.URI }),
      );
      try {
        expect(s.hooked).toBe(true);
        const r = await get(s.port, '/nowhere', { 'x-correlation-id': 'v-0' });
        expect(r.headers['x-correlation-id']).toBe('v-0');
      } finally {
        await s.app.close();
      }
    });

    it('keeps the hook with a global prefix: a 404 outside the prefix carries the id too', async () => {
      // (Nest would mount forRoutes '*' on /api/* only)
      const s = await start(adapter, {}, (app) => app.setGlobalPrefix('api'));
      try {
        expect(s.hooked).toBe(true);
        const inside = await get(s.port, '/api/items/id', {
          'x-correlation-id': 'in-1',
        });
        expect(inside.headers['x-correlation-id']).toBe('in-1');
        expect(JSON.parse(inside.body)).toEqual({ id: 'in-1' });
        const outside = await get(s.port, '/elsewhere', {
          'x-correlation-id': 'out-1',
        });
        expect(outside.status).toBe(404);
        expect(outside.headers['x-correlation-id']).toBe('out-1');
        const generated = await get(s.port, '/items/id');
        expect(generated.status).toBe(404);
        expect(generated.headers['x-correlation-id']).toMatch(
          /^[0-9a-f-]{36}$/,
        );
      } finally {
        await s.app.close();
      }
    });

    it('leaves a request hook set by the application in place and uses the middleware', async () => {
      let calls = 0;
      const s = await start(adapter, {}, (app) =>
        (app.getHttpAdapter() as AbstractHttpAdapter).setOnRequestHook(
          (_req: unknown, _res: unknown, done: () => void) => {
            calls++;
            done();
          },
        ),
      );
      try {
        expect(s.hooked).toBe(true); // the application's own hook
        const r = await get(s.port, '/items/id', { 'x-correlation-id': 'o-1' });
        expect(r.headers['x-correlation-id']).toBe('o-1');
        expect(JSON.parse(r.body)).toEqual({ id: 'o-1' });
        expect(calls).toBeGreaterThanOrEqual(1);
      } finally {
        await s.app.close();
      }
    });
  },
);

// Express's body parser runs before Nest middleware, so only the request hook can put the id on
// the 413 it answers (Fastify's parser runs after its onRequest hooks either way). Express reads
// and discards the rest of a refused body, so the client is not reset while it still sends.
describe('correlation on a body Express refuses', () => {
  let s: Started;
  beforeAll(async () => {
    s = await start(() => httpAdapter('express'));
  });
  afterAll(() => s.app.close());

  it('sets the header on a body the parser rejects (413)', async () => {
    const tooLarge = JSON.stringify({ blob: 'z'.repeat(2_000_000) });
    const r = await post(s.port, tooLarge, 'big-1');
    expect(r.status).toBe(413);
    expect(r.headers['x-correlation-id']).toBe('big-1');
  });
});
