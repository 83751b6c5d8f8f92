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
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, type ClientProxy } from '@nestjs/microservices';
import { ExpressAdapter } from '@nestjs/platform-express';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import type { AddressInfo } from 'node:net';
import { Agent } from 'node:http';
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
import { HTTP_ADAPTERS } from './support/http-adapters';
import { localRequest } from './support/local-request';
import { startTcpMicroservice } from './support/tcp-microservice';
import { MemoryLogStream, type LogLine } from './support/memory-log.stream';

@Injectable()
class TenantGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string> }>();
    if (req.headers['x-deny'] !== undefined) return false;
    CorrelationContext.set('tenant', 'acme');
    return true;
  }
}

@Injectable()
class OrdersService {
  constructor(private readonly logger: PinoLogger) {}

  @LogResultOperation('orders.find', { includeArgs: true })
  async find(n: number): Promise<Result<{ n: number }, RfsError>> {
    await new Promise((r) => setImmediate(r));
    this.logger.info({ n }, 'user line');
    return n % 10 === 0 ? err(RfsError.notFound('order', n)) : ok({ n });
  }
}

@Controller('orders')
class OrdersController {
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

@Module({ providers: moduleHasLogging ? [] : loggingProviders })
class LoggingWiring {}

function appModule(
  stream: MemoryLogStream,
  order: 'logger-first' | 'rfs-first',
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

interface Reply {
  status: number;
  id: string;
  body: string;
}

async function get(
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
function requestNumberOf(l: LogLine): number | undefined {
  if (typeof l.n === 'number') return l.n;
  const url = (l.req as { url?: string } | undefined)?.url;
  if (url?.startsWith('/orders/')) return Number(url.slice(8));
  const first = (l.args as unknown[] | undefined)?.[0];
  return first === undefined ? undefined : Number(first);
}

const orders: ('logger-first' | 'rfs-first')[] = ['logger-first', 'rfs-first'];

describe.each(HTTP_ADAPTERS)('Result logging on %s', (_name, makeAdapter) => {
  describe.each(orders)('with modules imported %s', (order) => {
    let app: INestApplication;
    let port: number;
    const stream = new MemoryLogStream();

    beforeAll(async () => {
      __resetOutOfContextForTests();
      app = await NestFactory.create(appModule(stream, order), makeAdapter(), {
        logger: false,
      });
      await app.listen(0, '127.0.0.1');
      port = (app.getHttpServer().address() as AddressInfo).port;
    });
    afterAll(async () => {
      await app.close();
    });
    beforeEach(() => {
      stream.lines.length = 0;
    });

    /** Lines written for the request whose path ends with `/n`. */
    function linesOf(n: number): LogLine[] {
      return stream.lines.filter((l) => requestNumberOf(l) === n);
    }

    it('gives every line of a request the incoming correlation id, as pino-http request id too', async () => {
      const r = await get(port, '/orders/7', { 'x-correlation-id': 'abc-123' });
      expect(r.status).toBe(200);
      expect(r.id).toBe('abc-123');
      const lines = linesOf(7);
      const find = lines.find((l) => l.operation === 'orders.find');
      const handler = lines.find((l) => l.operation === 'orders.get');
      const user = lines.find((l) => l.msg === 'user line');
      const completed = lines.find((l) => l.msg === 'request completed');
      expect(find).toMatchObject({
        service: 'e2e',
        environment: 'test',
        outcome: 'ok',
        valueType: 'object',
        args: [7],
        tenant: 'acme',
      });
      expect(handler).toMatchObject({ outcome: 'ok', tenant: 'acme' });
      // one line per operation: the logging providers are registered once
      expect(lines.filter((l) => l.operation === 'orders.find')).toHaveLength(
        1,
      );
      expect(user).toMatchObject({ tenant: 'acme' });
      expect(completed).toBeDefined();
      expect((completed?.req as { id?: unknown }).id).toBe('abc-123');
      for (const l of lines) expect(l.correlationId).toBe('abc-123');
    });

    it('uses the generated id everywhere when the client sends none', async () => {
      const r = await get(port, '/orders/8');
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      const lines = linesOf(8);
      expect(lines.length).toBeGreaterThanOrEqual(4);
      for (const l of lines) expect(l.correlationId).toBe(r.id);
      const completed = lines.find((l) => l.msg === 'request completed');
      expect((completed?.req as { id?: unknown }).id).toBe(r.id);
    });

    it('logs an Err at warn with the error code', async () => {
      const r = await get(port, '/orders/20');
      expect(r.status).toBe(200);
      const find = linesOf(20).find((l) => l.operation === 'orders.find');
      expect(find).toMatchObject({
        level: 40,
        outcome: 'err',
        correlationId: r.id,
        error: { type: 'RfsError', code: 'NOT_FOUND' },
      });
    });

    it('writes MonoResult log records through the installed sink, with the request id', async () => {
      const r = await get(port, '/orders/steps/101');
      expect(r.status).toBe(200);
      const steps = stream.lines.filter(
        (l) =>
          typeof l.operation === 'string' && l.operation.startsWith('steps'),
      );
      expect(
        steps.map((l) => [l.operation, l.step, l.outcome, l.level]),
      ).toEqual([
        ['steps.load', 'steps.load', 'ok', 30],
        ['steps.check', 'steps.check', 'err', 40],
        ['steps', undefined, 'err', 40],
      ]);
      for (const l of steps) {
        expect(l).toMatchObject({ correlationId: r.id, service: 'e2e' });
      }
      expect(steps[2]).toMatchObject({ error: { code: 'CONFLICT' } });
    });

    it('keeps the guard of a decorated controller method', async () => {
      const r = await get(port, '/orders/9', { 'x-deny': '1' });
      expect(r.status).toBe(403);
      expect(stream.lines.some((l) => l.operation === 'orders.get')).toBe(
        false,
      );
      const completed = stream.lines.find((l) => l.msg === 'request completed');
      expect(completed?.correlationId).toBe(r.id);
    });

    it('2,000 concurrent requests: every line carries its own request id', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 256 });
      const total = 2000;
      try {
        const replies = await Promise.all(
          Array.from({ length: total }, (_, i) =>
            get(port, `/orders/${i + 1}`, {}, agent),
          ),
        );
        expect(new Set(replies.map((r) => r.id)).size).toBe(total);
        // every line written inside a request names the request (url, n or args)
        const inRequest = stream.lines.filter(
          (l) => l.req !== undefined || typeof l.operation === 'string',
        );
        // user line, orders.find, orders.get, "request completed" (+ the HTTP pass's line)
        expect(inRequest.length).toBeGreaterThanOrEqual(total * 4);
        expect(
          inRequest.filter((l) => typeof l.correlationId !== 'string'),
        ).toEqual([]);
        // group the lines by the request they name (url, logged n, or the decorated method's args)
        const byRequest = new Map<number, LogLine[]>();
        for (const l of stream.lines) {
          const n = requestNumberOf(l);
          if (n === undefined) continue;
          const list = byRequest.get(n) ?? [];
          list.push(l);
          byRequest.set(n, list);
        }
        const problems: string[] = [];
        let checked = 0;
        for (let i = 0; i < total; i++) {
          const lines = byRequest.get(i + 1) ?? [];
          const kinds = new Set(lines.map((l) => l.operation ?? l.msg));
          for (const k of [
            'user line',
            'orders.find',
            'orders.get',
            'request completed',
          ]) {
            if (!kinds.has(k))
              problems.push(`request ${i + 1}: no "${k}" line`);
          }
          for (const l of lines) {
            if (l.correlationId !== replies[i].id) {
              problems.push(
                `request ${i + 1}: a "${String(l.operation ?? l.msg)}" line has correlationId ${String(l.correlationId)}, response header ${replies[i].id}`,
              );
            }
            checked++;
          }
        }
        expect(problems.slice(0, 5)).toEqual([]);
        expect(checked).toBeGreaterThanOrEqual(total * 4);
      } finally {
        agent.destroy();
      }
    }, 60_000);
  });
});

@Controller()
class EventsController {
  static seen: unknown[] = [];
  static received: Promise<void>;
  static onReceived: () => void;

  @LogResultOperation('orders.created')
  @EventPattern('order.created')
  onCreated(@Payload() payload: { id: number }): Result<number, string> {
    EventsController.seen.push(payload);
    // resolves after this call returns, i.e. after the decorator has written its line
    queueMicrotask(EventsController.onReceived);
    return ok(payload.id);
  }
}

describe('decorated @EventPattern handler (TCP microservice)', () => {
  let app: INestApplication;
  let client: ClientProxy;
  const stream = new MemoryLogStream();

  beforeAll(async () => {
    __resetOutOfContextForTests();
    app = await NestFactory.create(
      appModule(stream, 'logger-first', {}, [EventsController]),
      new ExpressAdapter(),
      { logger: false },
    );
    client = await startTcpMicroservice(app);
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('still registers and logs each event', async () => {
    EventsController.received = new Promise(
      (r) => (EventsController.onReceived = r),
    );
    client.emit('order.created', { id: 5 });
    await EventsController.received;
    expect(EventsController.seen).toEqual([{ id: 5 }]);
    expect(
      stream.lines.find((l) => l.operation === 'orders.created'),
    ).toMatchObject({ outcome: 'ok', valueType: 'number' });
  });
});

describe('startup without nestjs-pino', () => {
  it('fails with the lines to add, unless logging is off', async () => {
    @Module({ imports: [RfsModule.forRoot({}), LoggingWiring] })
    class NoLogger {}
    const app = NestFactory.create(NoLogger, new ExpressAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await expect(app).rejects.toThrow(
      /LoggerModule\.forRoot\(\{ pinoHttp: rfsPinoHttp\(\) \}\)[\s\S]*logging: false/,
    );

    @Module({ imports: [RfsModule.forRoot({ logging: false }), LoggingWiring] })
    class Off {}
    const off = await NestFactory.create(Off, new ExpressAdapter(), {
      logger: false,
    });
    const logger = off.get(ResultLogger);
    expect(logger.enabled).toBe(false);
    expect(() => logger.logResult('x', ok(1))).not.toThrow();
    await off.close();
  });
});
