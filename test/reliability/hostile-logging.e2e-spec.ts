// Logging never blocks or throws into business code: a decorated operation whose args and
// Ok value hold a cyclic reference, a 1 MB string or a throwing toJSON still answers normally
// (on Express and Fastify), with one bounded log line per operation.
import {
  Body,
  Controller,
  type INestApplication,
  Injectable,
  Post,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import {
  LogResultOperation,
  MonoResult,
  RfsError,
  RfsModule,
  ok,
  rfsPinoHttp,
  type Result,
} from 'nestjs-rfs';

const MB = 1024 * 1024;

type Kind = 'cyclic' | 'huge' | 'toJSON' | 'getter';

/** A value that breaks naive serialisation, and the plain answer the route sends. */
function hostile(kind: Kind): Record<string, unknown> {
  switch (kind) {
    case 'cyclic': {
      const v: Record<string, unknown> = { kind };
      v.self = v;
      return v;
    }
    case 'huge':
      return { kind, text: 'x'.repeat(MB) };
    case 'toJSON':
      return {
        kind,
        toJSON(): never {
          throw new Error('toJSON exploded');
        },
      };
    case 'getter':
      return Object.defineProperty({ kind }, 'secret', {
        enumerable: true,
        get(): never {
          throw new Error('getter exploded');
        },
      });
  }
}

@Injectable()
class HostileService {
  @LogResultOperation('hostile.sync', {
    includeArgs: true,
    includeResult: true,
  })
  sync(
    input: Record<string, unknown>,
  ): Result<Record<string, unknown>, RfsError> {
    return ok(input);
  }

  @LogResultOperation('hostile.mono', {
    includeArgs: true,
    includeResult: true,
  })
  mono(
    input: Record<string, unknown>,
  ): MonoResult<Record<string, unknown>, RfsError> {
    return MonoResult.fromPromise(
      () => Promise.resolve(input),
      (cause) => RfsError.internal('unreachable', cause),
    )
      .logStep('hostile.mono')
      .logPerformance('hostile.mono');
  }
}

@Controller('hostile')
class HostileController {
  constructor(private readonly service: HostileService) {}

  @Post()
  async run(
    @Body() body: { kind: Kind },
  ): Promise<{ kind: Kind; sync: boolean; mono: boolean }> {
    const value = hostile(body.kind);
    const a = this.service.sync(value);
    const b = await this.service.mono(value);
    return { kind: body.kind, sync: a.isOk(), mono: b.isOk() };
  }
}

class LineSink {
  readonly raw: string[] = [];
  write(chunk: string): void {
    this.raw.push(chunk);
  }
}

describe.each(['express', 'fastify'] as const)(
  'hostile values in logged operations (%s)',
  (adapter) => {
    let app: INestApplication;
    let base: string;
    const sink = new LineSink();

    beforeAll(async () => {
      register.clear();
      const moduleRef = await Test.createTestingModule({
        imports: [
          LoggerModule.forRoot({ pinoHttp: [rfsPinoHttp(), sink] }),
          RfsModule.forRoot({ serviceName: 'hostile', alerts: false }),
        ],
        controllers: [HostileController],
        providers: [HostileService],
      }).compile();
      app = moduleRef.createNestApplication(
        adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
        { logger: false },
      );
      await app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    });

    afterAll(() => app.close());

    it.each(['cyclic', 'huge', 'toJSON', 'getter'] as const)(
      'a %s value does not fail the operation and is logged as bounded markers',
      async (kind) => {
        const id = `hostile-${adapter}-${kind}`;
        sink.raw.length = 0;
        const res = await fetch(`${base}/hostile`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-correlation-id': id,
          },
          body: JSON.stringify({ kind }),
        });
        expect(res.status).toBe(201);
        expect(await res.json()).toEqual({ kind, sync: true, mono: true });

        const lines = sink.raw.map(
          (l) => JSON.parse(l) as Record<string, unknown>,
        );
        const ops = lines.filter(
          (l) => l.correlationId === id && typeof l.operation === 'string',
        );
        // sync + mono + its step and performance lines + the HTTP handler line.
        expect(ops.map((l) => l.operation).sort()).toEqual([
          'HostileController.run',
          'hostile.mono',
          'hostile.mono',
          'hostile.mono',
          'hostile.sync',
        ]);
        for (const l of ops) expect(l.outcome).toBe('ok');
        // Every line stays small although the value holds 1 MB.
        for (const raw of sink.raw) expect(raw.length).toBeLessThan(64 * 1024);
        const sync = ops.find((l) => l.operation === 'hostile.sync')!;
        expect(sync.args).toBeDefined();
        expect(sync.result).toBeDefined();
      },
    );
  },
);
