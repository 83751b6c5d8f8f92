// nestjs-rfs defaults (`http.pipeline: 'auto'` → the handler pipeline) with request-scoped
// controllers and providers, a global prefix with URI versioning (correlation through Nest's
// middleware), and two applications running side by side in one process.
import {
  Controller,
  Get,
  Inject,
  Injectable,
  type INestApplication,
  Module,
  Param,
  Post,
  Scope,
  VersioningType,
} from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import {
  CorrelationContext,
  MonoResult,
  type OperationEvent,
  OperationHub,
  type Result,
  ResultMetricsCollector,
  RfsError,
  RfsModule,
  type RfsModuleOptions,
  err,
  getRfsOptionsToken,
  ok,
} from 'nestjs-rfs';
import { portOf, startApp } from './support/correlation-app.fixtures';
import { HTTP_PLATFORMS, httpAdapter } from './support/http-adapters';
import { type LocalReply, localRequest } from './support/local-request';

/** Request-scoped: built per request from the request's headers. */
@Injectable({ scope: Scope.REQUEST })
class TenantInfo {
  constructor(
    @Inject(REQUEST) private readonly req: { headers: Record<string, string> },
  ) {}

  get tenant(): string {
    return this.req.headers['x-tenant'] ?? 'none';
  }
}

const find = (id: string): Result<{ id: string; cid?: string }, RfsError> =>
  id === 'missing'
    ? err(RfsError.notFound('thing', id))
    : ok({ id, cid: CorrelationContext.getId() });

@Controller({ path: 'scoped', scope: Scope.REQUEST })
class ScopedController {
  @Get(':id')
  find(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return find(id);
  }
}

/** Request-scoped implicitly (it injects a request-scoped provider). */
@Controller('tenant')
class TenantController {
  constructor(private readonly info: TenantInfo) {}

  @Get(':id')
  find(@Param('id') id: string): MonoResult<object, RfsError> {
    return MonoResult.fromResult(find(id)).map((v) => ({
      ...v,
      tenant: this.info.tenant,
    }));
  }
}

@Controller({ path: 'orders', version: '1' })
class VersionedController {
  @Get(':id')
  find(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return find(id);
  }

  @Post(':id')
  update(@Param('id') id: string): MonoResult<{ id: string }, RfsError> {
    return MonoResult.fromResult(find(id));
  }
}

@Controller('health')
class HealthController {
  @Get()
  health(): Result<{ up: boolean; cid?: string }, RfsError> {
    return ok({ up: true, cid: CorrelationContext.getId() });
  }
}

function appModule(): new () => unknown {
  @Module({
    imports: [
      RfsModule.forRoot({ logging: false, alerts: false, dashboard: false }),
    ],
    controllers: [
      ScopedController,
      TenantController,
      VersionedController,
      HealthController,
    ],
    providers: [TenantInfo],
  })
  class AppModule {}
  return AppModule;
}

/** The app's hub events, recorded by a listener. */
function recordEvents(app: INestApplication): OperationEvent[] {
  const events: OperationEvent[] = [];
  app.get(OperationHub).addListener({ onOperation: (e) => events.push(e) });
  return events;
}

const total = (app: INestApplication, operation: string): number =>
  app.get(ResultMetricsCollector).getOperationMetrics(operation).total;

const get = (
  port: number,
  path: string,
  id: string,
  extra: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<LocalReply> =>
  localRequest(port, path, {
    method,
    headers: { 'x-correlation-id': id, ...extra },
    body,
  });

const PROBLEM = /^application\/problem\+json/;

describe.each(HTTP_PLATFORMS)('defaults on %s', (platform) => {
  describe('request-scoped controllers and providers', () => {
    let app: INestApplication;
    let port: number;
    let events: OperationEvent[];
    beforeAll(async () => {
      app = await startApp(appModule(), httpAdapter(platform));
      port = portOf(app);
      events = recordEvents(app);
    });
    afterAll(() => app.close());

    it.each([
      ['scoped', 'ScopedController.find'],
      ['tenant', 'TenantController.find'],
    ])(
      '/%s: Ok and Err unwrapped; one event and one count per request',
      async (name, operation) => {
        const base = `/${name}`;
        const before = total(app, operation);
        const okRes = await get(port, `${base}/7`, `${name}-ok`, {
          'x-tenant': 'acme',
        });
        expect(okRes.status).toBe(200);
        expect(okRes.headers['x-correlation-id']).toBe(`${name}-ok`);
        expect(okRes.headers['server-timing']).toMatch(/^app;dur=/);
        expect(JSON.parse(okRes.body)).toMatchObject({
          id: '7',
          cid: `${name}-ok`,
        });
        if (name === 'tenant')
          expect(JSON.parse(okRes.body)).toMatchObject({ tenant: 'acme' });

        const errRes = await get(port, `${base}/missing`, `${name}-err`);
        expect(errRes.status).toBe(404);
        expect(errRes.headers['content-type']).toMatch(PROBLEM);
        expect(JSON.parse(errRes.body)).toMatchObject({
          code: 'NOT_FOUND',
          correlationId: `${name}-err`,
        });

        const mine = events.filter((e) => e.operation === operation);
        expect(
          mine.map((e) => [e.correlationId, e.outcome, e.http?.route]),
        ).toEqual([
          [`${name}-ok`, 'ok', `${base}/:id`],
          [`${name}-err`, 'err', `${base}/:id`],
        ]);
        expect(total(app, operation) - before).toBe(2);
      },
    );
  });

  describe("setGlobalPrefix('api', { exclude: ['health'] }) + URI versioning", () => {
    let app: INestApplication;
    let port: number;
    let events: OperationEvent[];
    beforeAll(async () => {
      app = await startApp(appModule(), httpAdapter(platform), (a) => {
        a.setGlobalPrefix('api', { exclude: ['health'] });
        a.enableVersioning({ type: VersioningType.URI });
      });
      port = portOf(app);
      events = recordEvents(app);
    });
    afterAll(() => app.close());

    it("'auto' still chose the handler pipeline", () => {
      const options = app.get<RfsModuleOptions>(getRfsOptionsToken());
      expect(options.http && options.http.pipeline).toBe('handler');
    });

    it.each([
      ['GET', '7', 200],
      ['GET', 'missing', 404],
      ['POST', '7', 201],
      ['POST', 'missing', 404],
    ])(
      '%s a versioned route (%s): status, id header, Server-Timing, one event with the full template',
      async (method, id, status) => {
        const cid = `v-${method}-${id}`;
        const res = await get(
          port,
          `/api/v1/orders/${id}`,
          cid,
          method === 'POST' ? { 'content-type': 'application/json' } : {},
          method,
          method === 'POST' ? '{"note":"x"}' : undefined,
        );
        expect(res.status).toBe(status);
        expect(res.headers['x-correlation-id']).toBe(cid);
        expect(res.headers['server-timing']).toMatch(/^app;dur=/);
        const body = JSON.parse(res.body) as Record<string, unknown>;
        if (status === 404) {
          expect(res.headers['content-type']).toMatch(PROBLEM);
          expect(body).toMatchObject({
            correlationId: cid,
            instance: `/api/v1/orders/${id}`,
          });
        } else {
          expect(body).toEqual({ id, cid });
        }
        const mine = events.filter((e) => e.correlationId === cid);
        expect(mine.map((e) => [e.http?.route, e.http?.status])).toEqual([
          ['/api/v1/orders/:id', status],
        ]);
      },
    );

    it('a route excluded from the prefix has the context too', async () => {
      const res = await get(port, '/health', 'health-1');
      expect(res.status).toBe(200);
      expect(res.headers['x-correlation-id']).toBe('health-1');
      expect(res.headers['server-timing']).toMatch(/^app;dur=/);
      expect(JSON.parse(res.body)).toEqual({ up: true, cid: 'health-1' });
    });
  });
});

describe('an Express and a Fastify app side by side in one process', () => {
  // Started one after the other: Express wraps the request-scoped controllers' prototypes
  // first, Fastify joins them; each request must still reach its own app's pipeline.
  let express: INestApplication | undefined;
  let fastify: INestApplication;
  let events: { express: OperationEvent[]; fastify: OperationEvent[] };
  beforeAll(async () => {
    express = await startApp(appModule(), httpAdapter('express'));
    fastify = await startApp(appModule(), httpAdapter('fastify'));
    events = { express: recordEvents(express), fastify: recordEvents(fastify) };
  });
  afterAll(async () => {
    await express?.close();
    await fastify.close();
  });

  it('concurrent requests keep their own ids; each app records only its own requests', async () => {
    const apps = { express: express!, fastify };
    const paths = ['/scoped/1', '/tenant/2', '/orders/3', '/health'];
    const sent = Array.from({ length: 80 }, (_, i) => {
      const name: 'express' | 'fastify' = i % 2 === 0 ? 'express' : 'fastify';
      return { name, path: paths[(i >> 1) % 4], id: `both-${name}-${i}` };
    });
    const replies = await Promise.all(
      sent.map((s) => get(portOf(apps[s.name]), s.path, s.id)),
    );
    replies.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(res.headers['x-correlation-id']).toBe(sent[i].id);
      expect(JSON.parse(res.body)).toMatchObject({ cid: sent[i].id });
    });
    for (const name of ['express', 'fastify'] as const) {
      const seen = events[name]
        .filter((e) => e.correlationId?.startsWith('both-'))
        .map((e) => `${e.correlationId} ${e.operation}`);
      const expected = sent
        .filter((s) => s.name === name)
        .map((s) => `${s.id} ${operationOf[s.path]}`);
      expect(seen.sort()).toEqual(expected.sort());
    }
  });

  it('after the first app closes, the other still unwraps and records its request-scoped routes', async () => {
    await express!.close();
    express = undefined;
    for (const path of ['/scoped/missing', '/tenant/missing']) {
      const operation = operationOf[path.replace('missing', '1')];
      const before = total(fastify, operation);
      const res = await get(portOf(fastify), path, 'after-close');
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toMatchObject({
        code: 'NOT_FOUND',
        correlationId: 'after-close',
      });
      expect(total(fastify, operation) - before).toBe(1);
    }
    expect(
      events.fastify.filter((e) => e.correlationId === 'after-close'),
    ).toHaveLength(2);
  });
});

const operationOf: Record<string, string> = {
  '/scoped/1': 'ScopedController.find',
  '/tenant/2': 'TenantController.find',
  '/tenant/1': 'TenantController.find',
  '/orders/3': 'VersionedController.find',
  '/health': 'HealthController.health',
};
