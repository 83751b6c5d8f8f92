// Fuzzing with fast-check against real apps (Express and Fastify):
// - correlation header values, sent as raw bytes on a socket (no client-side header checks);
// - arbitrary thrown values through the exception filter: always a problem+json answer whose
//   status matches its body, one Result log line for the request, and the app keeps serving.
// Option and alert-rule objects: fuzz-options.e2e-spec.ts.
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { LoggerModule } from 'nestjs-pino';
import { register } from 'prom-client';
import { RfsModule, rfsPinoHttp } from 'nestjs-rfs';
import { HTTP_PLATFORMS } from '../support/http-adapters';
import { LineSink, rawGet, setNextThrow, startFuzzApp } from './fuzz.fixtures';

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Errors whose every property access throws, the kind of value that breaks naive loggers. */
class HostileError extends Error {
  override get message(): string {
    throw new Error('message getter');
  }
  override get stack(): string {
    throw new Error('stack getter');
  }
  get code(): string {
    throw new Error('code getter');
  }
  toJSON(): never {
    throw new Error('toJSON');
  }
}

const throwingProxy = () =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error('get trap');
      },
      has: () => {
        throw new Error('has trap');
      },
      ownKeys: () => {
        throw new Error('ownKeys trap');
      },
      getOwnPropertyDescriptor: () => {
        throw new Error('descriptor trap');
      },
    },
  );

/** Thrown values: anything fast-check makes, plus the hostile shapes named in the issue. */
const thrown: fc.Arbitrary<() => unknown> = fc.oneof(
  fc
    .anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
    })
    .map((v) => () => v),
  fc.constantFrom<() => unknown>(
    () => null,
    () => undefined,
    () => 10n ** 30n,
    () => Symbol('thrown'),
    () => () => 'a function',
    () => throwingProxy(),
    () => new HostileError(),
    () => new TypeError('m'.repeat(1024 * 1024)),
  ),
  fc.tuple(fc.anything(), fc.boolean()).map(([v, asError]) => () => {
    const cyclic: Record<string, unknown> = { v, n: 1n };
    cyclic.self = cyclic;
    if (!asError) return cyclic;
    const e = new Error('cyclic');
    (e as Error & { details?: unknown; cause?: unknown }).details = cyclic;
    e.cause = e;
    return e;
  }),
  fc.string().map((s) => () => s),
);

/** True when a thrown value carries its own HTTP status (then it need not be a 500). */
function declaresStatus(v: unknown): boolean {
  try {
    if (typeof v !== 'object' || v === null) return false;
    const x = v as Record<string, unknown>;
    return (
      typeof x.code === 'string' ||
      typeof x.status === 'number' ||
      typeof x.getStatus === 'function' ||
      typeof x.statusCode === 'number'
    );
  } catch {
    return false;
  }
}

describe.each(HTTP_PLATFORMS)('fuzzing on %s', (adapter) => {
  describe('through one app with logging, correlation and the exception filter', () => {
    let app: INestApplication;
    let port: number;
    const sink = new LineSink();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);

    beforeAll(async () => {
      register.clear();
      process.on('unhandledRejection', onUnhandled);
      ({ app, port } = await startFuzzApp(adapter, [
        LoggerModule.forRoot({ pinoHttp: [rfsPinoHttp(), sink] }),
        RfsModule.forRoot({
          serviceName: 'fuzz',
          environment: 'production',
          alerts: false,
        }),
      ]));
    });

    afterAll(async () => {
      await app?.close();
      process.off('unhandledRejection', onUnhandled);
    });

    it('answers any correlation header value with a safe id (the valid ones echoed)', async () => {
      const value = fc.oneof(
        fc.stringMatching(ID_PATTERN),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc
          .uint8Array({ maxLength: 300 })
          .map((b) => Buffer.from(b).toString('latin1')),
      );
      await fc.assert(
        fc.asyncProperty(value, async (v) => {
          const reply = await rawGet(port, '/fuzz/ok', [
            Buffer.concat([
              Buffer.from('X-Correlation-Id: '),
              Buffer.from(v, 'latin1'),
            ]),
          ]);
          // Node's parser may refuse the request line by line (400) before any app code runs.
          if (
            reply.status === 400 &&
            reply.headers['x-correlation-id'] === undefined
          )
            return;
          expect(reply.status).toBe(200);
          const echoed = reply.headers['x-correlation-id'];
          expect(echoed).toMatch(ID_PATTERN);
          const trimmed = v.replace(/^[ \t]+|[ \t]+$/g, ''); // HTTP's optional whitespace
          if (ID_PATTERN.test(trimmed) && !/[\r\n]/.test(v))
            expect(echoed).toBe(trimmed);
        }),
        { numRuns: 150 },
      );
      expect(unhandled).toEqual([]);
    });

    it('turns any thrown value into a problem+json answer and one log line, and keeps serving', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(thrown, async (make) => {
          const id = `fuzz-${++n}`;
          const value = make();
          setNextThrow(() => value);
          const reply = await rawGet(port, '/fuzz/throw', [
            Buffer.from(`x-correlation-id: ${id}`),
          ]);
          expect(reply.headers['content-type']).toMatch(
            /^application\/problem\+json/,
          );
          const body = JSON.parse(reply.body) as Record<string, unknown>;
          expect(body.status).toBe(reply.status);
          expect(body.correlationId).toBe(id);
          expect(typeof body.title).toBe('string');
          if (!declaresStatus(value)) expect(reply.status).toBe(500);
          else {
            expect(reply.status).toBeGreaterThanOrEqual(400);
            expect(reply.status).toBeLessThan(600);
          }
          const lines = sink.lines.filter(
            (l) => l.correlationId === id && l.operation !== undefined,
          );
          expect(lines).toHaveLength(1);
          expect(['err', 'defect']).toContain(lines[0].outcome);
          expect((lines[0].http as { status: number }).status).toBe(
            reply.status,
          );
        }),
        { numRuns: 120 },
      );
      const after = await rawGet(port, '/fuzz/ok');
      expect(after.status).toBe(200);
      expect(unhandled).toEqual([]);
    });
  });
});
