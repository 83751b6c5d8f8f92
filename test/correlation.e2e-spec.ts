import {
  Body,
  CanActivate,
  Controller,
  Get,
  HttpException,
  Injectable,
  Module,
  Post,
  Req,
  UseGuards,
  UseInterceptors,
  type MiddlewareConsumer,
  type NestModule,
  VersioningType,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Agent } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import {
  MessagePattern,
  Payload,
  type ClientProxy,
} from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import {
  CorrelationContext,
  CorrelationInterceptor,
  CorrelationMiddleware,
  CorrelationRejections,
  CorrelationService,
  RfsModule,
  WithCorrelation,
  correlationStoreOf,
  type RfsModuleForRootOptions,
} from 'nestjs-rfs';
import { HTTP_ADAPTERS } from './support/http-adapters';
import { localRequest, type LocalReply } from './support/local-request';
import {
  TCP_ON_FREE_PORT,
  connectTcpClient,
  startTcpMicroservice,
} from './support/tcp-microservice';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

@Injectable()
class TenantGuard implements CanActivate {
  canActivate(): boolean {
    CorrelationContext.set('tenant', 'acme');
    return true;
  }
}

@Injectable()
class Jobs {
  @WithCorrelation()
  run(): string | undefined {
    return CorrelationContext.getId();
  }
}

@Controller('items')
class ItemsController {
  constructor(
    private readonly correlation: CorrelationService,
    private readonly jobs: Jobs,
  ) {}

  @Get('id')
  async id(): Promise<{ id?: string; service?: string; job?: string }> {
    await new Promise((r) => setImmediate(r));
    return {
      id: CorrelationContext.getId(),
      service: this.correlation.getId(),
      job: this.jobs.run(),
    };
  }

  @Get('tenant')
  @UseGuards(TenantGuard)
  tenant(): Record<string, unknown> {
    return this.correlation.fields();
  }

  @Get('store')
  store(@Req() req: unknown): { id?: string } {
    return { id: correlationStoreOf(req)?.id };
  }

  @Get('outbound')
  outbound(): Record<string, string> {
    return this.correlation.outboundHeaders();
  }

  @Post('echo')
  echo(@Body() body: unknown): { id?: string; body: unknown } {
    return { id: CorrelationContext.getId(), body };
  }

  @Get('bad')
  bad(): never {
    throw new HttpException('nope', 409);
  }

  @Get('crash')
  crash(): never {
    throw new Error('internal');
  }
}

@Controller({ path: 'things', version: '1' })
class ThingsController {
  @Get()
  get(): { id?: string } {
    return { id: CorrelationContext.getId() };
  }
}

@Controller()
@UseInterceptors(CorrelationInterceptor)
class RpcController {
  constructor(private readonly jobs: Jobs) {}

  @MessagePattern('corr.get')
  @UseInterceptors(CorrelationInterceptor) // applied twice on purpose: still one context
  async get(
    @Payload() _msg: unknown,
  ): Promise<{ id?: string; job?: string; fields: object }> {
    CorrelationContext.set('handler', 'rpc');
    await new Promise((r) => setImmediate(r));
    return {
      id: CorrelationContext.getId(),
      job: this.jobs.run(),
      fields: CorrelationContext.fields(),
    };
  }
}

function appModule(options: RfsModuleForRootOptions = {}): Type {
  @Module({
    // Result logging is not under test here (it would need nestjs-pino's LoggerModule).
    imports: [RfsModule.forRoot({ logging: false, ...options })],
    controllers: [ItemsController, ThingsController, RpcController],
    providers: [Jobs, TenantGuard],
  })
  class AppModule {}
  return AppModule;
}
type Type = new (...args: never[]) => unknown;

/** Sends a hand-written request (Node's client refuses hostile header values). */
function rawCall(
  port: number,
  headerLines: string[],
  path = '/items/id',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        Buffer.from(
          [
            `GET ${path} HTTP/1.1`,
            'Host: 127.0.0.1',
            'Connection: close',
            ...headerLines,
            '',
            '',
          ].join('\r\n'),
          'latin1',
        ),
      );
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

function headerOf(raw: string, name: string): string[] {
  const head = raw.split('\r\n\r\n')[0].split('\r\n').slice(1);
  return head
    .filter((l) => l.toLowerCase().startsWith(`${name}:`))
    .map((l) => l.slice(name.length + 1).trim());
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
afterAll(() => agent.destroy());

function call(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<LocalReply> {
  return localRequest(port, path, { headers, method, body, agent });
}

/** `appModule(options)` on a new adapter, listening on a free 127.0.0.1 port. */
async function start(
  adapter: () => AbstractHttpAdapter,
  options: RfsModuleForRootOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(appModule(options), adapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** The port an app listens on. */
function portOf(app: INestApplication): number {
  return (app.getHttpServer().address() as AddressInfo).port;
}

describe.each(HTTP_ADAPTERS)('correlation over HTTP (%s)', (_name, adapter) => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    app = await start(adapter);
    port = portOf(app);
  });
  afterAll(() => app.close());

  it('echoes a valid incoming id and exposes it to the handler, the service and @WithCorrelation', async () => {
    const r = await call(port, '/items/id', { 'x-correlation-id': 'abc-123' });
    expect(r.headers['x-correlation-id']).toBe('abc-123');
    expect(JSON.parse(r.body)).toEqual({
      id: 'abc-123',
      service: 'abc-123',
      job: 'abc-123',
    });
  });

  it('keeps the context through a request body (POST)', async () => {
    const r = await call(
      port,
      '/items/echo',
      { 'x-correlation-id': 'post-1', 'content-type': 'application/json' },
      'POST',
      JSON.stringify({ a: 1 }),
    );
    expect(JSON.parse(r.body)).toEqual({ id: 'post-1', body: { a: 1 } });
  });

  it('keeps the context through a large body that arrives in many chunks', async () => {
    const big = JSON.stringify({ blob: 'z'.repeat(90_000) });
    const r = await call(
      port,
      '/items/echo',
      { 'x-correlation-id': 'post-big', 'content-type': 'application/json' },
      'POST',
      big,
    );
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body).id).toBe('post-big');
  });

  it('generates a UUID when no id is sent', async () => {
    const r = await call(port, '/items/id');
    expect(r.headers['x-correlation-id']).toMatch(UUID);
    expect(JSON.parse(r.body).id).toBe(r.headers['x-correlation-id']);
  });

  it('sets the header on error responses and unmatched routes', async () => {
    for (const path of ['/items/bad', '/items/crash', '/nowhere']) {
      const r = await call(port, path, { 'x-correlation-id': 'err-1' });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.headers['x-correlation-id']).toBe('err-1');
    }
  });

  it('leaves the store on the request for correlationStoreOf', async () => {
    const r = await call(port, '/items/store', { 'x-correlation-id': 's-1' });
    expect(JSON.parse(r.body)).toEqual({ id: 's-1' });
  });

  it('gives @WithCorrelation on a plain provider a new id per call outside requests', () => {
    const jobs = app.get(Jobs);
    const a = jobs.run();
    const b = jobs.run();
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('sees request fields set in a guard', async () => {
    const r = await call(port, '/items/tenant');
    expect(JSON.parse(r.body)).toEqual({ tenant: 'acme' });
  });
});

describe.each(HTTP_ADAPTERS)('correlation ids (%s)', (_name, adapter) => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    app = await start(adapter);
    port = portOf(app);
  });
  afterAll(() => app.close());

  it('takes the first present header of correlation.headers', async () => {
    const both = await call(port, '/items/id', {
      'x-request-id': 'second',
      'x-correlation-id': 'first',
    });
    expect(both.headers['x-correlation-id']).toBe('first');
    const only = await call(port, '/items/id', { 'x-request-id': 'req-9' });
    expect(only.headers['x-correlation-id']).toBe('req-9');
    expect(JSON.parse(only.body).id).toBe('req-9');
  });

  it('uses the traceparent trace-id, and continues the trace on outbound headers', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const tp = `00-${traceId}-00f067aa0ba902b7-01`;
    const r = await call(port, '/items/id', { traceparent: tp });
    expect(r.headers['x-correlation-id']).toBe(traceId);

    const out = await call(port, '/items/outbound', {
      traceparent: tp,
      'x-correlation-id': 'mine',
    });
    const headers = JSON.parse(out.body) as Record<string, string>;
    expect(headers['x-correlation-id']).toBe('mine');
    const [v, t, span, flags] = headers.traceparent.split('-');
    expect([v, t, flags]).toEqual(['00', traceId, '01']);
    expect(span).toMatch(/^[0-9a-f]{16}$/);
    expect(span).not.toBe('00f067aa0ba902b7');
  });

  it('ignores an invalid traceparent and counts it', async () => {
    const before = CorrelationRejections.count();
    const r = await call(port, '/items/id', {
      traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
    });
    expect(r.headers['x-correlation-id']).toMatch(UUID);
    expect(CorrelationRejections.count()).toBe(before + 1);
  });

  const hostile: [string, string][] = [
    ['10 KB', 'a'.repeat(10 * 1024)],
    ['129 characters', 'b'.repeat(129)],
    [
      'unicode (UTF-8 bytes)',
      Buffer.from('ïd-✓-用户', 'utf8').toString('latin1'),
    ],
    ['a tab', 'abc\tdef'],
    ['spaces and markup', '<script>alert(1)</script>'],
    ['percent-encoded CRLF', 'abc%0d%0aSet-Cookie:%20x=1'],
  ];

  it.each(hostile)(
    'replaces a hostile id (%s) by a new UUID and counts it',
    async (_label, value) => {
      const before = CorrelationRejections.count();
      const raw = await rawCall(port, [`X-Correlation-Id: ${value}`]);
      expect(raw.startsWith('HTTP/1.1 200')).toBe(true);
      const echoed = headerOf(raw, 'x-correlation-id');
      expect(echoed).toHaveLength(1);
      expect(echoed[0]).toMatch(UUID);
      expect(raw).not.toContain(value);
      expect(CorrelationRejections.count()).toBe(before + 1);
    },
  );

  it('treats an empty header as absent', async () => {
    const before = CorrelationRejections.count();
    const raw = await rawCall(port, [
      'X-Correlation-Id: ',
      'X-Request-Id: next-one',
    ]);
    expect(headerOf(raw, 'x-correlation-id')).toEqual(['next-one']);
    expect(CorrelationRejections.count()).toBe(before);
  });

  it.each([
    ['a bare CR', 'abc\rX-Injected: 1'],
    ['a NUL', 'abc\x00def'],
    ['a DEL', 'abc\x7fdef'],
  ])('never lets %s reach the response', async (_label, value) => {
    const raw = await rawCall(port, [`X-Correlation-Id: ${value}`]);
    expect(raw).not.toContain(value);
    expect(raw).not.toMatch(/^x-injected:/im);
    for (const v of headerOf(raw, 'x-correlation-id'))
      expect(v).toMatch(/^[A-Za-z0-9._:-]+$/);
  });

  it('gives each of 2,000 concurrent requests its own id back', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `load-${i}`);
    const replies = await Promise.all(
      ids.map((id) => call(port, '/items/id', { 'x-correlation-id': id })),
    );
    replies.forEach((r, i) => {
      expect(r.headers['x-correlation-id']).toBe(ids[i]);
      expect(JSON.parse(r.body)).toEqual({
        id: ids[i],
        service: ids[i],
        job: ids[i],
      });
    });
  });
});

describe.each(HTTP_ADAPTERS)(
  'global prefix and URI versioning (%s)',
  (_name, adapter) => {
    let app: INestApplication;
    let port: number;

    beforeAll(async () => {
      app = await NestFactory.create(
        appModule({
          correlation: {
            exclude: ['items/outbound'],
            responseHeader: 'x-trace',
          },
        }),
        adapter(),
        { logger: false },
      );
      app.setGlobalPrefix('api');
      app.enableVersioning({ type: VersioningType.URI });
      await app.listen(0, '127.0.0.1');
      port = portOf(app);
    });
    afterAll(() => app.close());

    it('runs under the prefix and on versioned routes', async () => {
      const plain = await call(port, '/api/items/id', {
        'x-correlation-id': 'p-1',
      });
      expect(plain.headers['x-trace']).toBe('p-1');
      expect(JSON.parse(plain.body).id).toBe('p-1');
      const versioned = await call(port, '/api/v1/things', {
        'x-correlation-id': 'v-1',
      });
      expect(versioned.status).toBe(200);
      expect(versioned.headers['x-trace']).toBe('v-1');
      expect(JSON.parse(versioned.body)).toEqual({ id: 'v-1' });
    });

    it('skips excluded routes', async () => {
      const r = await call(port, '/api/items/outbound', {
        'x-correlation-id': 'ex-1',
      });
      expect(r.status).toBe(200);
      expect(r.headers['x-trace']).toBeUndefined();
      expect(JSON.parse(r.body)).toEqual({});
    });
  },
);

describe('rpc context through a TCP microservice', () => {
  let app: INestApplication;
  let client: ClientProxy;

  beforeAll(async () => {
    app = await NestFactory.create(appModule(), new ExpressAdapter(), {
      logger: false,
    });
    client = await startTcpMicroservice(app);
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('takes the id from the message correlationId field', async () => {
    const r = await firstValueFrom(
      client.send('corr.get', { correlationId: 'rpc-1', order: 7 }),
    );
    expect(r).toEqual({
      id: 'rpc-1',
      job: 'rpc-1',
      fields: { handler: 'rpc' },
    });
  });

  it('generates an id without one, and replaces an invalid one', async () => {
    const before = CorrelationRejections.count();
    const none = await firstValueFrom(client.send('corr.get', { order: 1 }));
    expect(none.id).toMatch(UUID);
    const bad = await firstValueFrom(
      client.send('corr.get', { correlationId: 'x\r\ny' }),
    );
    expect(bad.id).toMatch(UUID);
    expect(CorrelationRejections.count()).toBe(before + 1);
  });

  it('isolates concurrent messages', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `m-${i}`);
    const out = await Promise.all(
      ids.map((id) =>
        firstValueFrom(client.send('corr.get', { correlationId: id })),
      ),
    );
    expect(out.map((o) => o.id)).toEqual(ids);
  });
});

describe.each(HTTP_ADAPTERS)(
  'configuring RfsModule twice (%s)',
  (_name, adapter) => {
    it('fails startup with a clear error when forRoot is imported twice', async () => {
      @Module({
        imports: [RfsModule.forRoot({ isGlobal: false, logging: false })],
      })
      class FeatureModule {}
      @Module({
        imports: [RfsModule.forRoot({ logging: false }), FeatureModule],
      })
      class TwiceModule {}
      await expect(
        NestFactory.create(TwiceModule, adapter(), {
          logger: false,
          abortOnError: false,
        }),
      ).rejects.toThrow(
        /RfsModule is configured 2 times in this application \(imported by .*FeatureModule.*\).*once, in the root module/,
      );
    });

    it('starts when the same forRoot() result is imported twice (one instance)', async () => {
      const rfs = RfsModule.forRoot({ logging: false });
      @Module({ imports: [rfs] })
      class FeatureModule {}
      @Module({
        imports: [rfs, FeatureModule],
        controllers: [ThingsController],
      })
      class SharedModule {}
      const app = await NestFactory.create(SharedModule, adapter(), {
        logger: false,
      });
      await app.listen(0, '127.0.0.1');
      try {
        const port = portOf(app);
        const before = CorrelationRejections.count();
        const raw = await rawCall(
          port,
          ['X-Correlation-Id: bad value'],
          '/things',
        );
        expect(CorrelationRejections.count()).toBe(before + 1);
        const [id] = headerOf(raw, 'x-correlation-id');
        expect(raw).toContain(`{"id":"${id}"}`);
      } finally {
        await app.close();
      }
    });

    it('runs the middleware once per request when the user applies it again', async () => {
      @Module({ imports: [appModule()] })
      class AgainModule implements NestModule {
        configure(consumer: MiddlewareConsumer): void {
          consumer.apply(CorrelationMiddleware).forRoutes('*');
        }
      }
      const app = await NestFactory.create(AgainModule, adapter(), {
        logger: false,
      });
      await app.listen(0, '127.0.0.1');
      try {
        const port = portOf(app);
        const before = CorrelationRejections.count();
        const raw = await rawCall(port, ['X-Correlation-Id: bad value']);
        expect(CorrelationRejections.count()).toBe(before + 1);
        const [id] = headerOf(raw, 'x-correlation-id');
        expect(raw).toContain(`"id":"${id}"`);
      } finally {
        await app.close();
      }
    });
  },
);

describe.each(HTTP_ADAPTERS)(
  'switching correlation off (%s)',
  (_name, adapter) => {
    it('applies no middleware with correlation: false', async () => {
      const app = await start(adapter, { correlation: false });
      try {
        const port = portOf(app);
        const r = await call(port, '/items/store', {
          'x-correlation-id': 'off',
        });
        expect(r.headers['x-correlation-id']).toBeUndefined();
        expect(JSON.parse(r.body)).toEqual({});
      } finally {
        await app.close();
      }
    });

    it('keeps the context but sends no header with responseHeader: false', async () => {
      const app = await start(adapter, {
        correlation: { responseHeader: false },
      });
      try {
        const port = portOf(app);
        const r = await call(port, '/items/store', {
          'x-correlation-id': 'quiet',
        });
        expect(r.headers['x-correlation-id']).toBeUndefined();
        expect(JSON.parse(r.body)).toEqual({ id: 'quiet' });
      } finally {
        await app.close();
      }
    });
  },
);

describe('microservice-only app (NestFactory.createMicroservice)', () => {
  @Controller()
  class PlainRpcController {
    @MessagePattern('plain.get')
    get(): { id?: string } {
      return { id: CorrelationContext.getId() };
    }
  }

  @Module({
    imports: [RfsModule.forRoot({ logging: false })],
    controllers: [PlainRpcController],
  })
  class MicroserviceModule {}

  it('registers CorrelationInterceptor globally, so handlers need no decorator', async () => {
    const ms = await NestFactory.createMicroservice(MicroserviceModule, {
      ...TCP_ON_FREE_PORT,
      logger: false,
    });
    await ms.listen();
    const client = await connectTcpClient(ms);
    try {
      await expect(
        firstValueFrom(client.send('plain.get', { correlationId: 'ms-1' })),
      ).resolves.toEqual({ id: 'ms-1' });
      const generated = await firstValueFrom(client.send('plain.get', {}));
      expect(generated.id).toMatch(UUID);
    } finally {
      await client.close();
      await ms.close();
    }
  });

  it('is not global in an HTTP app (no interceptor pass on HTTP routes)', async () => {
    const app = await NestFactory.create(
      MicroserviceModule,
      new ExpressAdapter(),
      {
        logger: false,
      },
    );
    const client = await startTcpMicroservice(app);
    try {
      await expect(
        firstValueFrom(client.send('plain.get', { correlationId: 'ms-2' })),
      ).resolves.toEqual({});
    } finally {
      await client.close();
      await app.close();
    }
  });
});
