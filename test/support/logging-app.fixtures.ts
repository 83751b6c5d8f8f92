import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  Param,
  type Provider,
  type Type,
  UseGuards,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import type { AddressInfo } from 'node:net';
import type { Agent } from 'node:http';
import {
  CorrelationContext,
  LogResultOperation,
  MonoResult,
  ResultLogger,
  RfsModule,
  RfsError,
  err,
  loggingProviders,
  ok,
  rfsPinoHttp,
  type Result,
  type RfsModuleOptionsInput,
} from 'nestjs-rfs';
import { HTTP_ADAPTERS } from './http-adapters';
import { localRequest } from './local-request';
import { type LogLine, MemoryLogStream } from './memory-log.stream';

/** Denies requests with an `x-deny` header; otherwise puts `tenant: acme` in the correlation context. */
@Injectable()
export class TenantGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string> }>();
    if (req.headers['x-deny'] !== undefined) return false;
    CorrelationContext.set('tenant', 'acme');
    return true;
  }
}

/** `orders.find`: a decorated async Result method that also writes a user log line. */
@Injectable()
export class OrdersService {
  constructor(private readonly logger: PinoLogger) {}

  @LogResultOperation('orders.find', { includeArgs: true })
  async find(n: number): Promise<Result<{ n: number }, RfsError>> {
    await new Promise((r) => setImmediate(r));
    this.logger.info({ n }, 'user line');
    return n % 10 === 0 ? err(RfsError.notFound('order', n)) : ok({ n });
  }
}

/** `/orders/:n` (decorated, guarded) and `/orders/steps/:n` (MonoResult log steps). */
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get('steps/:n')
  async steps(@Param('n') n: string): Promise<{ ok: boolean }> {
    const r = await MonoResult.ok(Number(n))
      .logStep('steps.load')
      .flatMap((v) =>
        v > 100 ? err(RfsError.conflict('order', 'too big')) : ok(v),
      )
      .logStep('steps.check')
      .logError('steps');
    return { ok: r.isOk() };
  }

  // Applied last: it must carry over the route, the guard and the param metadata below it.
  @LogResultOperation('orders.get')
  @UseGuards(TenantGuard)
  @Get(':n')
  async get(@Param('n') n: string): Promise<{ n: number; found: boolean }> {
    const r = await this.orders.find(Number(n));
    return { n: Number(n), found: r.isOk() };
  }
}

/** Whether lib/rfs.module.ts already registers the logging providers. */
const moduleHasLogging = (
  (Reflect.getMetadata('providers', RfsModule) as Provider[] | undefined) ?? []
).some(
  (p) => typeof p === 'object' && 'provide' in p && p.provide === ResultLogger,
);

/** The logging providers, unless RfsModule registers them itself. */
@Module({ providers: moduleHasLogging ? [] : loggingProviders })
export class LoggingWiring {}

/** The nestjs-pino (into `stream`) + RfsModule app module, imported in `order`. */
export function loggingAppModule(
  stream: MemoryLogStream,
  order: LoggingModuleOrder,
  rfs: RfsModuleOptionsInput = {},
  controllers: Type[] = [OrdersController],
): Type {
  const logger = LoggerModule.forRoot({
    pinoHttp: [rfsPinoHttp({ level: 'info' }), stream],
  });
  const rfsModule = RfsModule.forRoot({
    serviceName: 'e2e',
    environment: 'test',
    ...rfs,
  });
  @Module({
    imports:
      order === 'logger-first'
        ? [logger, rfsModule, LoggingWiring]
        : [rfsModule, logger, LoggingWiring],
    controllers,
    providers: [OrdersService, TenantGuard],
  })
  class AppModule {}
  return AppModule;
}

/** Starts the logging app of `order` on `adapter`, listening on 127.0.0.1. The caller closes it. */
async function startLoggingApp(
  stream: MemoryLogStream,
  order: LoggingModuleOrder,
  adapter: AbstractHttpAdapter,
): Promise<{ app: INestApplication; port: number }> {
  __resetOutOfContextForTests();
  const module = loggingAppModule(stream, order);
  const app = await NestFactory.create(module, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port };
}

/** The app of a {@link useLoggingApp} block: its log lines and, once started, its port. */
export interface RunningLoggingApp {
  readonly stream: MemoryLogStream;
  readonly port: number;
}

/**
 * Starts the logging app of `order` on a new adapter before the block's tests and closes it
 * after them; each test starts with no log lines.
 */
export function useLoggingApp(
  order: LoggingModuleOrder,
  makeAdapter: () => AbstractHttpAdapter,
): RunningLoggingApp {
  const stream = new MemoryLogStream();
  let app: INestApplication | undefined;
  let port = 0;
  beforeAll(async () => {
    ({ app, port } = await startLoggingApp(stream, order, makeAdapter()));
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => {
    stream.lines.length = 0;
  });
  return {
    stream,
    get port() {
      return port;
    },
  };
}

/**
 * Runs `body` once per HTTP adapter and module import order (`Result logging on <adapter>` ›
 * `with modules imported <order>`), each with its own {@link useLoggingApp}.
 */
export function describeEachLoggingApp(
  body: (running: RunningLoggingApp) => void,
): void {
  describe.each(HTTP_ADAPTERS)('Result logging on %s', (_name, makeAdapter) => {
    describe.each(LOGGING_MODULE_ORDERS)(
      'with modules imported %s',
      (order) => {
        body(useLoggingApp(order, makeAdapter));
      },
    );
  });
}

/** Status, correlation id header and body of a reply. */
export interface Reply {
  status: number;
  id: string;
  body: string;
}

/** GET `path` on 127.0.0.1:`port` with exactly `headers`. */
export async function getLogged(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  agent?: Agent,
): Promise<Reply> {
  const r = await localRequest(port, path, { headers, agent });
  return {
    status: r.status,
    id: String(r.headers['x-correlation-id']),
    body: r.body,
  };
}

/** Which `/orders/:n` request a line belongs to, from its url, its `n` or its args. */
export function requestNumberOf(l: LogLine): number | undefined {
  if (typeof l.n === 'number') return l.n;
  const url = (l.req as { url?: string } | undefined)?.url;
  if (url?.startsWith('/orders/')) return Number(url.slice(8));
  const first = (l.args as unknown[] | undefined)?.[0];
  return first === undefined ? undefined : Number(first);
}

/** Whether the logger module or RfsModule is imported first. */
export type LoggingModuleOrder = 'logger-first' | 'rfs-first';

/** Both import orders: `describe.each(LOGGING_MODULE_ORDERS)`. */
export const LOGGING_MODULE_ORDERS: LoggingModuleOrder[] = [
  'logger-first',
  'rfs-first',
];
