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
  type RfsPinoHttpSettings,
} from 'nestjs-rfs';
import { MemoryLogStream } from './memory-log.stream';
import { HTTP_ADAPTERS } from './http-adapters';
import { startLocalApp } from './local-app';

/** `stock.find`: a decorated service method (Err for sku `none`). */
@Injectable()
export class StockService {
  @LogResultOperation('stock.find', { includeArgs: true })
  async find(sku: string): Promise<Result<{ sku: string }, RfsError>> {
    await Promise.resolve();
    return sku === 'none' ? err(RfsError.notFound('sku', sku)) : ok({ sku });
  }
}

/** Decorated, plain, recursive, MonoResult, throwing and doubly named `/shop/*` handlers. */
@Controller('shop')
export class ShopController {
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

/** A started shop app with its log stream and metrics registry. */
export interface Started {
  app: INestApplication;
  base: string;
  stream: MemoryLogStream;
  registry: Registry;
}
/** The shop app module: nestjs-pino into `stream` (rfsPinoHttp with `pino`), RfsModule, metrics in `registry`. */
export function shopAppModule(
  stream: MemoryLogStream,
  registry: Registry,
  rfs: RfsModuleOptionsInput,
  pino: RfsPinoHttpSettings = {},
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
        pinoHttp: [rfsPinoHttp({ level: 'trace' }, pino), stream],
      }),
      RfsModule.forRoot({ serviceName: 'shop', environment: 'test', ...rfs }),
    ],
    controllers: [ShopController],
    providers: [StockService],
  })
  class AppModule {}
  return AppModule;
}

/** Starts the shop app on a new adapter, listening on 127.0.0.1. The caller closes it. */
async function startShopApp(
  makeAdapter: () => AbstractHttpAdapter,
  rfs: RfsModuleOptionsInput = {},
  pino: RfsPinoHttpSettings = {},
): Promise<Started> {
  __resetOutOfContextForTests();
  const stream = new MemoryLogStream();
  const registry = new Registry();
  const { app, base } = await startLocalApp(
    shopAppModule(stream, registry, rfs, pino),
    makeAdapter(),
  );
  return { app, base, stream, registry };
}
/**
 * Starts the shop app (with `rfs` options and rfsPinoHttp `pino` settings) before the block's tests and closes it after them;
 * each test starts with no log lines. Read the app's parts from the returned object in tests.
 */
export function useShopApp(
  makeAdapter: () => AbstractHttpAdapter,
  rfs: RfsModuleOptionsInput,
  pino: RfsPinoHttpSettings = {},
): Started {
  let s: Started | undefined;
  const started = (): Started => {
    if (s === undefined) throw new Error('the shop app has not started');
    return s;
  };
  beforeAll(async () => {
    s = await startShopApp(makeAdapter, rfs, pino);
  });
  afterAll(async () => {
    await s?.app.close();
  });
  beforeEach(() => {
    started().stream.lines.length = 0;
  });
  return {
    get app() {
      return started().app;
    },
    get base() {
      return started().base;
    },
    get stream() {
      return started().stream;
    },
    get registry() {
      return started().registry;
    },
  };
}

/** Value of `rfs_operations_total{operation, outcome}` summed over error codes. */
export async function operationsTotal(
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
export const ADAPTER_PIPELINES = HTTP_ADAPTERS.flatMap(([name, makeAdapter]) =>
  (['interceptor', 'handler'] as const).map(
    (pipeline) =>
      [`${name}, ${pipeline} pipeline`, makeAdapter, pipeline] as const,
  ),
);
