import {
  Controller,
  Get,
  type INestApplication,
  Module,
  Param,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import type { AddressInfo } from 'node:net';
import {
  err,
  ok,
  type Result,
  RfsError,
  RfsModule,
  type RfsPinoHttpSettings,
  rfsPinoHttp,
} from 'nestjs-rfs';
import { HTTP_ADAPTERS } from './support/http-adapters';
import { localRequest } from './support/local-request';
import { type LogLine, MemoryLogStream } from './support/memory-log.stream';

@Controller('line')
class LineController {
  @Get('ok/:id')
  found(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return ok({ id });
  }

  @Get('missing/:id')
  missing(@Param('id') id: string): Result<{ id: string }, RfsError> {
    return err(RfsError.notFound('order', id));
  }

  @Get('broken/:id')
  broken(): never {
    throw new Error('disk on fire');
  }
}

type UrlOf = { url?: string; originalUrl?: string };

function appModule(
  stream: MemoryLogStream,
  pipeline: 'interceptor' | 'handler',
  settings: RfsPinoHttpSettings,
  autoLogging?: { ignore: (req: UrlOf) => boolean },
  customLogLevel?: (req: UrlOf) => 'silent' | 'info',
): Type {
  @Module({
    imports: [
      LoggerModule.forRoot({
        pinoHttp: [
          rfsPinoHttp(
            {
              level: 'info',
              ...(autoLogging ? { autoLogging } : {}),
              ...(customLogLevel ? { customLogLevel } : {}),
            },
            settings,
          ),
          stream,
        ],
      }),
      RfsModule.forRoot({
        serviceName: 'line-e2e',
        environment: 'test',
        http: { pipeline },
        metrics: false,
        alerts: false,
        dashboard: false,
      }),
    ],
    controllers: [LineController],
  })
  class LineAppModule {}
  return LineAppModule;
}

/** Waits (bounded) until `n` lines carry `id`: "request completed" is written after the reply. */
async function linesOf(
  stream: MemoryLogStream,
  id: string,
  n: number,
): Promise<LogLine[]> {
  const mine = () => stream.lines.filter((l) => l.correlationId === id);
  for (let i = 0; i < 500 && mine().length < n; i++)
    await new Promise((r) => setTimeout(r, 10));
  // one more turn: a line written after the n-th would show up now
  await new Promise((r) => setImmediate(r));
  return mine();
}

describe.each(HTTP_ADAPTERS)(
  "rfsPinoHttp() by default (resultLine 'merge') on %s",
  (_name, makeAdapter) => {
    describe.each(['interceptor', 'handler'] as const)(
      '%s pipeline',
      (pipeline) => {
        let app: INestApplication;
        let port: number;
        const stream = new MemoryLogStream();

        beforeAll(async () => {
          __resetOutOfContextForTests();
          app = await NestFactory.create(
            appModule(stream, pipeline, {}),
            makeAdapter(),
            { logger: false },
          );
          await app.listen(0, '127.0.0.1');
          port = (app.getHttpServer().address() as AddressInfo).port;
        });
        afterAll(() => app.close());

        async function get(path: string, id: string): Promise<number> {
          const r = await localRequest(port, path, {
            headers: { 'x-correlation-id': id },
          });
          return r.status;
        }

        it('an Ok request writes one line: "request completed" with the Result fields', async () => {
          const id = `ok-${pipeline}`;
          expect(await get('/line/ok/7', id)).toBe(200);
          const lines = await linesOf(stream, id, 1);
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatchObject({
            level: 30,
            msg: 'request completed',
            correlationId: id,
            service: 'line-e2e',
            environment: 'test',
            operation: 'LineController.found',
            outcome: 'ok',
            http: { method: 'GET', route: '/line/ok/:id', status: 200 },
            res: { statusCode: 200 },
          });
          expect(typeof lines[0].durationMs).toBe('number');
          expect((lines[0].req as { id?: unknown }).id).toBe(id);
        });

        it('an Err request writes one line at the Err level (warn) with the error', async () => {
          const id = `err-${pipeline}`;
          expect(await get('/line/missing/9', id)).toBe(404);
          const lines = await linesOf(stream, id, 1);
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatchObject({
            level: 40,
            msg: 'request completed',
            operation: 'LineController.missing',
            outcome: 'err',
            error: { type: 'RfsError', code: 'NOT_FOUND' },
            http: { status: 404 },
            res: { statusCode: 404 },
          });
        });

        it('a thrown defect writes one error line with the stack', async () => {
          const id = `defect-${pipeline}`;
          expect(await get('/line/broken/1', id)).toBe(500);
          const lines = await linesOf(stream, id, 1);
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatchObject({
            level: 50,
            operation: 'LineController.broken',
            outcome: 'defect',
            error: { code: 'DEFECT', message: 'disk on fire' },
          });
          expect((lines[0].error as { stack?: string }).stack).toContain(
            'disk on fire',
          );
        });
      },
    );
  },
);

describe.each(HTTP_ADAPTERS)(
  'rfsPinoHttp result lines on %s (other settings)',
  (_name, makeAdapter) => {
    async function start(
      stream: MemoryLogStream,
      settings: RfsPinoHttpSettings,
      ignore?: (req: UrlOf) => boolean,
      customLogLevel?: (req: UrlOf) => 'silent' | 'info',
    ): Promise<{ app: INestApplication; port: number }> {
      __resetOutOfContextForTests();
      const app = await NestFactory.create(
        appModule(
          stream,
          'handler',
          settings,
          ignore ? { ignore } : undefined,
          customLogLevel,
        ),
        makeAdapter(),
        { logger: false },
      );
      await app.listen(0, '127.0.0.1');
      return {
        app,
        port: (app.getHttpServer().address() as AddressInfo).port,
      };
    }

    it('\'separate\' writes the Result line next to "request completed"', async () => {
      const stream = new MemoryLogStream();
      const { app, port } = await start(stream, { resultLine: 'separate' });
      try {
        await localRequest(port, '/line/ok/1', {
          headers: { 'x-correlation-id': 'sep-1' },
        });
        const lines = await linesOf(stream, 'sep-1', 2);
        const own = lines.find((l) => l.msg === 'LineController.found ok');
        const completed = lines.find((l) => l.msg === 'request completed');
        expect(lines).toHaveLength(2);
        expect(completed).toMatchObject({ res: { statusCode: 200 } });
        expect(completed?.operation).toBeUndefined();
        expect(own).toMatchObject({
          level: 30,
          service: 'line-e2e',
          operation: 'LineController.found',
          outcome: 'ok',
          http: { route: '/line/ok/:id', status: 200 },
        });
      } finally {
        await app.close();
      }
    });

    it("'merge' on a request whose customLogLevel is 'silent': the Result fields get their own line", async () => {
      const stream = new MemoryLogStream();
      const { app, port } = await start(
        stream,
        { resultLine: 'merge' },
        undefined,
        (req) =>
          (req.originalUrl ?? req.url)?.includes('/line/missing') === true
            ? 'silent'
            : 'info',
      );
      try {
        await localRequest(port, '/line/missing/3', {
          headers: { 'x-correlation-id': 'silent-1' },
        });
        const lines = await linesOf(stream, 'silent-1', 1);
        expect(lines).toMatchObject([
          {
            msg: 'LineController.missing err',
            operation: 'LineController.missing',
            outcome: 'err',
          },
        ]);
      } finally {
        await app.close();
      }
    });

    it("'merge' on a request pino-http ignores: the Result fields get their own line", async () => {
      const stream = new MemoryLogStream();
      const { app, port } = await start(
        stream,
        { resultLine: 'merge' },
        // (middie hands pino-http a request whose `url` is relative to the mount path)
        (req) => (req.originalUrl ?? req.url)?.startsWith('/line/ok') === true,
      );
      try {
        await localRequest(port, '/line/ok/2', {
          headers: { 'x-correlation-id': 'ignored-1' },
        });
        const lines = await linesOf(stream, 'ignored-1', 1);
        expect(lines).toMatchObject([
          { msg: 'LineController.found ok', operation: 'LineController.found' },
        ]);
      } finally {
        await app.close();
      }
    });
  },
);

describe.each(HTTP_ADAPTERS)(
  'two applications in one process on %s',
  (_name, makeAdapter) => {
    /** pino-http mounted before the correlation middleware: its request id is resolved early. */
    async function start(
      stream: MemoryLogStream,
      headers: string[] | undefined,
    ): Promise<{ app: INestApplication; port: number }> {
      @Module({
        imports: [
          LoggerModule.forRoot({
            pinoHttp: [rfsPinoHttp({ level: 'info' }), stream],
          }),
          RfsModule.forRoot({
            serviceName: 'two-apps',
            correlation: headers ? { headers } : {},
            metrics: false,
            alerts: false,
            dashboard: false,
          }),
        ],
        controllers: [LineController],
      })
      class TwoAppsModule {}
      __resetOutOfContextForTests();
      const app = await NestFactory.create(TwoAppsModule, makeAdapter(), {
        logger: false,
      });
      await app.listen(0, '127.0.0.1');
      return {
        app,
        port: (app.getHttpServer().address() as AddressInfo).port,
      };
    }

    it("each keeps its own correlation headers for pino-http's request id", async () => {
      const streamA = new MemoryLogStream();
      const streamB = new MemoryLogStream();
      // A reads only `x-tenant-request`; B (started last) the default headers
      const a = await start(streamA, ['x-tenant-request']);
      const b = await start(streamB, undefined);
      try {
        const ra = await localRequest(a.port, '/line/ok/1', {
          headers: { 'x-tenant-request': 'from-a-1' },
        });
        const rb = await localRequest(b.port, '/line/ok/2', {
          headers: { 'x-correlation-id': 'from-b-1' },
        });
        expect(ra.headers['x-correlation-id']).toBe('from-a-1');
        expect(rb.headers['x-correlation-id']).toBe('from-b-1');
        for (const [stream, id] of [
          [streamA, 'from-a-1'],
          [streamB, 'from-b-1'],
        ] as const) {
          const lines = await linesOf(stream, id, 1);
          const completed = lines.find((l) => l.msg === 'request completed');
          expect((completed?.req as { id?: unknown } | undefined)?.id).toBe(id);
        }
      } finally {
        await a.app.close();
        await b.app.close();
      }
    });
  },
);
