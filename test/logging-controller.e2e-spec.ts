import {
  Controller,
  Get,
  Global,
  Injectable,
  type INestApplication,
  Module,
  Param,
  type Type,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { Registry } from 'prom-client';
import {
  LogResultOperation,
  MonoResult,
  RfsError,
  RfsModule,
  RfsOperation,
  err,
  getRfsMetricsRegistryToken,
  ok,
  rfsPinoHttp,
  type Result,
  type RfsModuleOptionsInput,
} from 'nestjs-rfs';
import { MemoryLogStream } from './support/memory-log.stream';
import { HTTP_ADAPTERS } from './support/http-adapters';
import { startLocalApp } from './support/local-app';

@Injectable()
class StockService {
  @LogResultOperation('stock.find', { includeArgs: true })
  async find(sku: string): Promise<Result<{ sku: string }, RfsError>> {
    await Promise.resolve();
    return sku === 'none' ? err(RfsError.notFound('sku', sku)) : ok({ sku });
  }
}

@Controller('shop')
class ShopController {
  constructor(private readonly stock: StockService) {}

  @Get('decorated/:sku')
  @LogResultOperation('shop.decorated', {
    level: 'debug',
    errLevel: 'error',
    includeArgs: true,
    includeResult: true,
  })
  async decorated(
    @Param('sku') sku: string,
  ): Promise<Result<{ sku: string; token: string }, RfsError>> {
    await Promise.resolve();
    return sku === 'none'
      ? err(RfsError.notFound('sku', sku))
      : ok({ sku, token: 'hidden' });
  }

  @Get('plain/:sku')
  async plain(@Param('sku') sku: string): Promise<{ found: boolean }> {
    const r = await this.stock.find(sku);
    return { found: r.isOk() };
  }

  /** Calls itself once: the inner call is a method call, not the route handler. */
  @Get('tree/:depth')
  @LogResultOperation('shop.tree')
  async tree(@Param('depth') depth: string): Promise<Result<number, never>> {
    const d = Number(depth);
    if (d <= 0) return ok(0);
    const inner = await this.tree(String(d - 1));
    return ok(inner.isOk() ? inner.value + 1 : -1);
  }

  @Get('mono')
  @LogResultOperation('shop.mono', { level: 'warn' })
  mono(): MonoResult<{ n: number }, RfsError> {
    return MonoResult.fromAsync(async () => ok({ n: 1 }));
  }

  @Get('boom')
  @LogResultOperation('shop.boom')
  boom(): Result<number, RfsError> {
    throw new Error('driver crashed');
  }

  /** Both decorators name it: the route name wins, the decorator's options apply. */
  @Get('both')
  @RfsOperation('shop.route-name')
  @LogResultOperation('shop.log-name', { level: 'warn' })
  both(): Result<string, never> {
    return ok('x');
  }
}

interface Started {
  app: INestApplication;
  base: string;
  stream: MemoryLogStream;
  registry: Registry;
}

function appModule(
  stream: MemoryLogStream,
  registry: Registry,
  rfs: RfsModuleOptionsInput,
): Type {
  @Global()
  @Module({
    providers: [{ provide: getRfsMetricsRegistryToken(), useValue: registry }],
    exports: [getRfsMetricsRegistryToken()],
  })
  class RegistryModule {}

  @Module({
    imports: [
      RegistryModule,
      LoggerModule.forRoot({
        pinoHttp: [rfsPinoHttp({ level: 'trace' }), stream],
      }),
      RfsModule.forRoot({ serviceName: 'shop', environment: 'test', ...rfs }),
    ],
    controllers: [ShopController],
    providers: [StockService],
  })
  class AppModule {}
  return AppModule;
}

async function start(
  makeAdapter: () => AbstractHttpAdapter,
  rfs: RfsModuleOptionsInput = {},
): Promise<Started> {
  __resetOutOfContextForTests();
  const stream = new MemoryLogStream();
  const registry = new Registry();
  const { app, base } = await startLocalApp(
    appModule(stream, registry, rfs),
    makeAdapter(),
  );
  return { app, base, stream, registry };
}

/** Value of `rfs_operations_total{operation, outcome}` summed over error codes. */
async function operations(
  registry: Registry,
  operation: string,
  outcome: string,
): Promise<number> {
  const metric = registry.getSingleMetric('rfs_operations_total');
  if (metric === undefined) throw new Error('rfs_operations_total is missing');
  const { values } = await metric.get();
  return values
    .filter(
      (v) => v.labels.operation === operation && v.labels.outcome === outcome,
    )
    .reduce((sum, v) => sum + v.value, 0);
}

/** Every adapter with every `http.pipeline` (the claim works the same in both). */
const ADAPTER_PIPELINES = HTTP_ADAPTERS.flatMap(([name, makeAdapter]) =>
  (['interceptor', 'handler'] as const).map(
    (pipeline) =>
      [`${name}, ${pipeline} pipeline`, makeAdapter, pipeline] as const,
  ),
);

describe.each(ADAPTER_PIPELINES)(
  '@LogResultOperation on controller handlers (%s)',
  (_name, makeAdapter, pipeline) => {
    let s: Started;

    beforeAll(async () => {
      s = await start(makeAdapter, { http: { pipeline } });
    });
    afterAll(async () => {
      await s.app.close();
    });
    beforeEach(() => {
      s.stream.lines.length = 0;
    });

    it('a decorated handler writes one line, with the decorator name and options, and one metric', async () => {
      const res = await fetch(`${s.base}/shop/decorated/a1`);
      expect(res.status).toBe(200);
      const id = res.headers.get('x-correlation-id');
      const lines = s.stream.results();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        operation: 'shop.decorated',
        level: 20, // the decorator's `level: 'debug'`
        outcome: 'ok',
        correlationId: id,
        args: ['a1'], // handed over by the decorated handler (after pipes)
        result: { sku: 'a1', token: '[Redacted]' }, // includeResult, redacted
        valueType: 'object',
        http: { method: 'GET', route: '/shop/decorated/:sku', status: 200 },
      });
      expect(s.stream.of('ShopController.decorated')).toEqual([]);
      expect(await operations(s.registry, 'shop.decorated', 'ok')).toBe(1);
      expect(
        await operations(s.registry, 'ShopController.decorated', 'ok'),
      ).toBe(0);
    });

    it('an Err from a decorated handler is one line at its errLevel and one err metric', async () => {
      const res = await fetch(`${s.base}/shop/decorated/none`);
      expect(res.status).toBe(404);
      const lines = s.stream.results();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        operation: 'shop.decorated',
        level: 50,
        outcome: 'err',
        error: { code: 'NOT_FOUND' },
        http: { status: 404 },
      });
      expect(await operations(s.registry, 'shop.decorated', 'err')).toBe(1);
    });

    it('a MonoResult handler and a throwing handler each write one line', async () => {
      expect((await fetch(`${s.base}/shop/mono`)).status).toBe(200);
      expect((await fetch(`${s.base}/shop/boom`)).status).toBe(500);
      const lines = s.stream.results();
      expect(lines.map((l) => [l.operation, l.outcome, l.level])).toEqual([
        ['shop.mono', 'ok', 40],
        ['shop.boom', 'defect', 50],
      ]);
      expect(lines[1]).toMatchObject({ http: { status: 500 } });
      expect(await operations(s.registry, 'shop.mono', 'ok')).toBe(1);
      expect(await operations(s.registry, 'shop.boom', 'defect')).toBe(1);
    });

    it('a decorated service method under a plain handler: one line each', async () => {
      const res = await fetch(`${s.base}/shop/plain/b2`);
      expect(res.status).toBe(200);
      const lines = s.stream.results();
      expect(lines.map((l) => l.operation).sort()).toEqual([
        'ShopController.plain',
        'stock.find',
      ]);
      expect(s.stream.of('stock.find')[0]).toMatchObject({
        outcome: 'ok',
        args: ['b2'],
      });
      expect(s.stream.of('stock.find')[0].http).toBeUndefined();
      expect(s.stream.of('ShopController.plain')[0]).toMatchObject({
        http: { route: '/shop/plain/:sku', status: 200 },
      });
      expect(await operations(s.registry, 'stock.find', 'ok')).toBe(1);
      expect(await operations(s.registry, 'ShopController.plain', 'ok')).toBe(
        1,
      );
    });

    it('a nested call of the decorated handler method logs on its own', async () => {
      const before = await operations(s.registry, 'shop.tree', 'ok');
      const res = await fetch(`${s.base}/shop/tree/2`);
      expect(await res.json()).toBe(2);
      const lines = s.stream.of('shop.tree');
      // the route pass (with http facts) + the two nested method calls
      expect(lines).toHaveLength(3);
      expect(lines.filter((l) => l.http !== undefined)).toHaveLength(1);
      expect(await operations(s.registry, 'shop.tree', 'ok')).toBe(before + 3);
    });

    it('the route name of @RfsOperation wins over the decorator name; its options apply', async () => {
      await fetch(`${s.base}/shop/both`);
      const lines = s.stream.results();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        operation: 'shop.route-name',
        level: 40,
      });
      expect(await operations(s.registry, 'shop.route-name', 'ok')).toBe(1);
      expect(await operations(s.registry, 'shop.log-name', 'ok')).toBe(0);
    });

    it('the decorated handler called outside HTTP logs like any method', async () => {
      const before = await operations(s.registry, 'shop.decorated', 'ok');
      const r = await s.app.get(ShopController).decorated('c3');
      expect(r.isOk()).toBe(true);
      const lines = s.stream.results();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        operation: 'shop.decorated',
        level: 20,
        args: ['c3'],
        result: { sku: 'c3', token: '[Redacted]' },
      });
      expect(lines[0].http).toBeUndefined();
      expect(await operations(s.registry, 'shop.decorated', 'ok')).toBe(
        before + 1,
      );
    });
  },
);

describe.each(ADAPTER_PIPELINES)(
  '@LogResultOperation handlers without a correlation context (%s)',
  (_name, makeAdapter, pipeline) => {
    let s: Started;

    beforeAll(async () => {
      s = await start(makeAdapter, {
        http: { pipeline },
        correlation: false,
        logging: { logHttpHandlers: false },
      });
    });
    afterAll(async () => {
      await s.app.close();
    });
    beforeEach(() => {
      s.stream.lines.length = 0;
    });

    it('still writes one line per decorated handler, and none for plain handlers', async () => {
      expect((await fetch(`${s.base}/shop/decorated/d4`)).status).toBe(200);
      expect((await fetch(`${s.base}/shop/plain/d5`)).status).toBe(200);
      const lines = s.stream.results();
      expect(lines.map((l) => l.operation)).toEqual([
        'shop.decorated',
        'stock.find',
      ]);
      expect(lines[0]).toMatchObject({
        level: 20,
        args: ['d4'],
        http: { status: 200 },
      });
      expect(await operations(s.registry, 'shop.decorated', 'ok')).toBe(1);
      // metrics still see the plain handler's one event
      expect(await operations(s.registry, 'ShopController.plain', 'ok')).toBe(
        1,
      );
    });

    it('nested calls of the handler method log on their own', async () => {
      await fetch(`${s.base}/shop/tree/1`);
      const lines = s.stream.of('shop.tree');
      expect(lines).toHaveLength(2);
      expect(lines.filter((l) => l.http !== undefined)).toHaveLength(1);
    });
  },
);

describe.each(HTTP_ADAPTERS)(
  'init hooks run twice (moduleRef.init() then app.init()) on %s',
  (_name, makeAdapter) => {
    let app: INestApplication;
    const stream = new MemoryLogStream();
    const registry = new Registry();

    beforeAll(async () => {
      __resetOutOfContextForTests();
      const moduleRef = await Test.createTestingModule({
        imports: [appModule(stream, registry, {})],
      }).compile();
      await moduleRef.init();
      app = moduleRef.createNestApplication(makeAdapter(), { logger: false });
      await app.init();
      await app.listen(0, '127.0.0.1');
    });
    afterAll(async () => {
      await app.close();
    });

    it('still writes one line and records one metric per request', async () => {
      const res = await fetch(`${await app.getUrl()}/shop/plain/e6`);
      expect(res.status).toBe(200);
      expect(stream.of('ShopController.plain')).toHaveLength(1);
      expect(stream.of('stock.find')).toHaveLength(1);
      expect(await operations(registry, 'ShopController.plain', 'ok')).toBe(1);
      expect(await operations(registry, 'stock.find', 'ok')).toBe(1);
    });
  },
);
