// Fuzzing with fast-check against real apps (Express and Fastify):
// - correlation header values, sent as raw bytes on a socket (no client-side header checks);
// - arbitrary thrown values through the exception filter: always a problem+json answer whose
//   status matches its body, one Result log line for the request, and the app keeps serving;
// - arbitrary option and alert-rule objects: a startup validation error (RfsOptionsError
//   naming the field) or a configuration that starts, serves and evaluates alerts.
import {
  Controller,
  Get,
  type INestApplication,
  Module,
  type Type,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { LoggerModule } from 'nestjs-pino';
import { connect, type AddressInfo } from 'node:net';
import { register } from 'prom-client';
import {
  AlertCondition,
  ResultAlertService,
  RfsModule,
  RfsOptionsError,
  ok,
  resolveRfsOptions,
  rfsPinoHttp,
  type RfsModuleOptionsInput,
} from 'nestjs-rfs';

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const adapters = ['express', 'fastify'] as const;
type AdapterName = (typeof adapters)[number];

/** What the next GET /fuzz/throw throws. */
let nextThrow: () => unknown = () => undefined;

@Controller('fuzz')
class FuzzController {
  @Get('ok')
  ok() {
    return ok({ ok: true });
  }

  @Get('throw')
  throw(): never {
    throw nextThrow();
  }
}

class LineSink {
  lines: Record<string, unknown>[] = [];
  write(chunk: string): void {
    this.lines.push(JSON.parse(chunk) as Record<string, unknown>);
  }
}

async function startApp(
  adapter: AdapterName,
  imports: NonNullable<Parameters<typeof Module>[0]>['imports'],
  controllers: Type[] = [FuzzController],
): Promise<{ app: INestApplication; port: number }> {
  const moduleRef = await Test.createTestingModule({
    imports,
    controllers,
  }).compile();
  const app = moduleRef.createNestApplication(
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return {
    app,
    port: (app.getHttpServer().address() as AddressInfo).port,
  };
}

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 request written byte for byte (header values are not checked client-side). */
function rawGet(
  port: number,
  path: string,
  headerLines: Buffer[] = [],
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.write(
      Buffer.concat([
        Buffer.from(
          `GET ${path} HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n`,
        ),
        ...headerLines.flatMap((h) => [h, Buffer.from('\r\n')]),
        Buffer.from('\r\n'),
      ]),
    );
  });
}

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

describe.each(adapters)('fuzzing on %s', (adapter) => {
  describe('through one app with logging, correlation and the exception filter', () => {
    let app: INestApplication;
    let port: number;
    const sink = new LineSink();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);

    beforeAll(async () => {
      register.clear();
      process.on('unhandledRejection', onUnhandled);
      ({ app, port } = await startApp(adapter, [
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
          nextThrow = () => value;
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

/** Mostly a valid value, sometimes a wrong-typed or arbitrary one. */
const optionValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(true, false, undefined, null, 0, -1, 1.5, '', 'x', [], {}),
);
function v<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 1, arbitrary: optionValue },
  );
}
const section = <T>(valid: fc.Arbitrary<T>) =>
  v(fc.oneof(valid, fc.constant(false)));
const duration = v(fc.constantFrom('15s', '1m', '200ms', '2h'));
const rule = fc.record(
  {
    name: v(fc.constantFrom('r1', 'orders_errors', 'slow')),
    operation: v(fc.constantFrom('*', 'orders.*', 'orders.get')),
    metric: v(
      fc.constantFrom('errorRate', 'p95Ms', 'p99Ms', 'fluxSuccessRate'),
    ),
    condition: v(fc.constantFrom(...Object.values(AlertCondition))),
    threshold: v(fc.double({ min: 0, max: 1000, noNaN: true })),
    window: v(fc.constantFrom('1m', '5m', '15m', '1h')),
    for: duration,
    cooldown: duration,
    minSamples: v(fc.integer({ min: 1, max: 50 })),
    severity: v(fc.constantFrom('critical', 'warning', 'info')),
  },
  {
    requiredKeys: [
      'name',
      'operation',
      'metric',
      'condition',
      'threshold',
      'window',
    ],
  },
);
const options = fc.record(
  {
    serviceName: v(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)),
    environment: v(fc.constantFrom('production', 'test', 'development')),
    correlation: section(
      fc.record(
        {
          headers: v(
            fc.constantFrom(['x-request-id'], ['x-correlation-id', 'x-trace']),
          ),
          responseHeader: v(fc.constantFrom('x-id', false as const)),
          useTraceparent: v(fc.boolean()),
        },
        { requiredKeys: [] },
      ),
    ),
    http: section(
      fc.record(
        {
          timingHeader: v(fc.boolean()),
          problemTypeBaseUrl: v(
            fc.constantFrom('https://errors.example.com/', 'about:blank'),
          ),
          errorStatus: v(fc.constantFrom({}, { PAYMENT_DECLINED: 402 })),
        },
        { requiredKeys: [] },
      ),
    ),
    logging: section(
      fc.record(
        {
          level: v(fc.constantFrom('info', 'debug', 'warn')),
          slowMs: v(fc.integer({ min: 0, max: 5000 })),
          sampleRate: v(fc.double({ min: 0, max: 1, noNaN: true })),
          redact: v(fc.constantFrom(['password'], [])),
        },
        { requiredKeys: [] },
      ),
    ),
    metrics: section(
      fc.record(
        {
          maxOperations: v(fc.integer({ min: 1, max: 2000 })),
          buckets: v(fc.constantFrom([0.01, 0.1, 1], [0.5])),
          prefix: v(fc.constantFrom('rfs_', 'my_')),
        },
        { requiredKeys: [] },
      ),
    ),
    alerts: section(
      fc.record(
        {
          rules: v(fc.array(rule, { maxLength: 3 })),
          defaultRules: v(fc.boolean()),
          evaluationInterval: duration,
          sampleCorrelationIds: v(fc.integer({ min: 0, max: 10 })),
        },
        { requiredKeys: [] },
      ),
    ),
    dashboard: v(fc.boolean()),
  },
  { requiredKeys: [] },
);

describe('fuzzing RfsModule options and alert rules', () => {
  it('either rejects them at validation with RfsOptionsError naming the field, or accepts them', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(options, (input) => {
        try {
          resolveRfsOptions(input);
          accepted++;
        } catch (e) {
          expect(e).toBeInstanceOf(RfsOptionsError);
          const problems = (e as RfsOptionsError).problems;
          expect(problems.length).toBeGreaterThan(0);
          // Each problem names the option it is about.
          for (const p of problems)
            expect(p).toMatch(
              /\b(options|serviceName|environment|correlation|http|logging|metrics|alerts|dashboard)\b/,
            );
          rejected++;
        }
      }),
      { numRuns: 500 },
    );
    // The generator reaches both sides.
    expect(accepted).toBeGreaterThan(5);
    expect(rejected).toBeGreaterThan(100);
  });

  it.each(adapters)(
    'starts, serves and evaluates alerts with every configuration validation accepts (%s)',
    async (adapter) => {
      const valid = fc.sample(
        options.filter((o) => {
          try {
            resolveRfsOptions(o);
            return true;
          } catch {
            return false;
          }
        }),
        { numRuns: 12, seed: adapter === 'express' ? 1 : 2 },
      );
      for (const input of valid) {
        register.clear();
        const { app, port } = await startApp(adapter, [
          RfsModule.forRoot({
            ...(input as RfsModuleOptionsInput),
            logging: false, // no LoggerModule in this app
          }),
        ]);
        try {
          const reply = await rawGet(port, '/fuzz/ok');
          expect(reply.status).toBe(200);
          let alerts: ResultAlertService | undefined;
          try {
            alerts = app.get(ResultAlertService);
          } catch {
            alerts = undefined; // alerts: false
          }
          expect(() => alerts?.evaluate()).not.toThrow();
        } finally {
          await app.close();
        }
      }
    },
    60_000,
  );
});
