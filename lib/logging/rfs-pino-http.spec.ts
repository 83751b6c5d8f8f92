import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import pinoHttp from 'pino-http';
import { CorrelationContext } from '../correlation/correlation-context';
import { CorrelationIdResolver } from '../correlation/correlation-id.resolver';
import { CorrelationOptions } from '../correlation/correlation.options';
import { LogRedactor } from './log-redactor';
import { buildResultLogLine } from './result-log-line.builder';
import {
  configureRfsPinoRuntime,
  correlationIdOfRequest,
  rfsLogMixin,
  rfsPinoHttp,
  type RfsPinoHttpSettings,
} from './rfs-pino-http';

const res = {} as ServerResponse;
const request = (headers: Record<string, string> = {}) =>
  ({ headers: { ...headers } }) as unknown as IncomingMessage;

afterEach(() =>
  configureRfsPinoRuntime(undefined, new LogRedactor(['password'])),
);

describe('rfsPinoHttp', () => {
  it('keeps the user options and chains the user mixin and req serializer', () => {
    const seen: unknown[] = [];
    const o = rfsPinoHttp({
      level: 'debug',
      mixin: () => ({ app: 'orders' }),
      serializers: {
        req: (r: { id?: unknown }) => {
          seen.push(r.id);
          return { id: r.id, custom: true };
        },
      },
    });
    expect(o.level).toBe('debug');
    const fields = CorrelationContext.run('cid-1', () =>
      o.mixin({}, 30, undefined as never),
    );
    expect(fields).toEqual({ app: 'orders', correlationId: 'cid-1' });
    const out = CorrelationContext.run('cid-1', () =>
      (o.serializers.req as (r: unknown) => unknown)({
        id: 'req-1',
        raw: request(),
      }),
    );
    expect(out).toEqual({ id: 'cid-1', custom: true });
    expect(seen).toEqual(['cid-1']);
  });

  it('genReqId returns the active correlation id (correlation middleware ran first)', () => {
    const { genReqId } = rfsPinoHttp();
    const id = CorrelationContext.run('abc-1', () => genReqId(request(), res));
    expect(id).toBe('abc-1');
  });

  it('before the correlation middleware: resolves the id with the same rules once and hands it on through the header', () => {
    configureRfsPinoRuntime(
      new CorrelationIdResolver({
        ...new CorrelationOptions(),
        generateId: () => 'generated-1',
      }),
      new LogRedactor([]),
    );
    const { genReqId } = rfsPinoHttp();
    const fresh = request();
    expect(genReqId(fresh, res)).toBe('generated-1');
    expect(fresh.headers['x-correlation-id']).toBe('generated-1');
    expect(correlationIdOfRequest(fresh)).toBe('generated-1');
    const incoming = request({ 'x-request-id': 'from-client' });
    expect(genReqId(incoming, res)).toBe('from-client');
    const hostile = request({ 'x-correlation-id': 'bad\r\nvalue' });
    expect(genReqId(hostile, res)).toBe('generated-1');
    expect(hostile.headers['x-correlation-id']).toBe('generated-1');
  });

  it('mixin: correlation id and request fields (redacted keys masked), empty outside a context', () => {
    configureRfsPinoRuntime(undefined, new LogRedactor(['password']));
    expect(rfsLogMixin({})).toEqual({});
    const fields = CorrelationContext.run('cid-2', () => {
      CorrelationContext.set('tenant', 'acme');
      CorrelationContext.set('password', 'x');
      return rfsLogMixin({});
    });
    expect(fields).toEqual({
      correlationId: 'cid-2',
      tenant: 'acme',
      password: '[Redacted]',
    });
  });

  it('mixin survives odd field keys', () => {
    const fields = CorrelationContext.run('cid-3', () => {
      CorrelationContext.set(Symbol('odd') as unknown as string, 1);
      return rfsLogMixin({});
    });
    expect(fields.correlationId).toBe('cid-3');
  });

  it('mixin outside the async context finds the id through the logged response', () => {
    const { genReqId } = rfsPinoHttp();
    const req = request({ 'x-correlation-id': 'late-1' });
    genReqId(req, res);
    expect(rfsLogMixin({ res: { req } })).toEqual({ correlationId: 'late-1' });
  });

  it('a Result line gets nothing mixed in (it has the id and fields): pino writes it as built, once', () => {
    const o = rfsPinoHttp();
    const lines: Record<string, unknown>[] = [];
    const logger = pino(o, {
      write: (s: string) =>
        lines.push(JSON.parse(s) as Record<string, unknown>),
    });
    const line = CorrelationContext.run('cid-4', () => {
      CorrelationContext.set('tenant', 'acme');
      const built = buildResultLogLine(
        { operation: 'Orders.find', outcome: 'ok', durationMs: 1.5 },
        false,
        true,
        new LogRedactor([]),
        'orders',
        'test',
      );
      // nothing to merge: pino keeps the line object itself, no copy
      expect(o.mixinMergeStrategy(built, o.mixin(built, 30, logger))).toBe(
        built,
      );
      logger.info(built, 'Orders.find ok');
      logger.info({ step: 'plain' }, 'a line of your own');
      return built;
    });
    expect(line.correlationId).toBe('cid-4');
    expect(lines[0]).toMatchObject({
      correlationId: 'cid-4',
      tenant: 'acme',
      operation: 'Orders.find',
      service: 'orders',
    });
    // the marker is a symbol: never written
    expect(Object.keys(lines[0]).filter((k) => k.includes('complete'))).toEqual(
      [],
    );
    // other lines still get the id and the request fields from the mixin
    expect(lines[1]).toMatchObject({
      correlationId: 'cid-4',
      tenant: 'acme',
      step: 'plain',
    });
  });

  it("a user's mixinMergeStrategy still runs, for every line", () => {
    const merged: unknown[] = [];
    const o = rfsPinoHttp({
      mixinMergeStrategy: (mergeObject: object, mixinObject: object) => {
        merged.push(mixinObject);
        return { ...mixinObject, ...mergeObject, mine: true };
      },
    });
    const complete = buildResultLogLine(
      { operation: 'Orders.find', outcome: 'ok', durationMs: 1 },
      false,
      true,
      new LogRedactor([]),
      'orders',
      'test',
    );
    const out = CorrelationContext.run('cid-5', () => [
      o.mixinMergeStrategy(complete, o.mixin(complete, 30, undefined as never)),
      o.mixinMergeStrategy({ a: 1 }, o.mixin({ a: 1 }, 30, undefined as never)),
    ]);
    expect(out[0]).toMatchObject({ operation: 'Orders.find', mine: true });
    expect(out[1]).toEqual({ a: 1, correlationId: 'cid-5', mine: true });
    expect(merged).toEqual([{}, { correlationId: 'cid-5' }]);
  });
});

describe("rfsPinoHttp(options, { resultLine: 'merge' }) (the default)", () => {
  type Fn = (...args: unknown[]) => unknown;
  const exchangeStore = () => {
    const req = request({ 'x-correlation-id': 'm-1' });
    const res = { statusCode: 404 } as unknown as ServerResponse;
    return { req, res };
  };

  it("chains the user's customProps, customSuccessObject and customLogLevel", () => {
    const o = rfsPinoHttp(
      {
        customProps: () => ({ app: 'orders' }),
        customSuccessObject: (_req, _res, val) => ({ ...val, mine: true }),
        customLogLevel: () => 'debug',
      },
      { resultLine: 'merge' },
    );
    const { req, res } = exchangeStore();
    expect((o.customProps as Fn)(req, res)).toEqual({ app: 'orders' });
    // no Result fields were offered: the user's own object and level, untouched
    expect(
      (o.customSuccessObject as Fn)(req, res, { responseTime: 1 }),
    ).toEqual({ responseTime: 1, mine: true });
    expect((o.customLogLevel as Fn)(req, res, undefined)).toBe('debug');
  });

  it("merges by default: rfsPinoHttp() and rfsPinoHttp(o, {}) install the merged line's hooks", () => {
    for (const o of [rfsPinoHttp(), rfsPinoHttp({ level: 'info' }, {})]) {
      expect(typeof o.customProps).toBe('function');
      expect(typeof o.customSuccessObject).toBe('function');
      expect(typeof o.customErrorObject).toBe('function');
      expect(typeof o.customLogLevel).toBe('function');
    }
  });

  it("leaves pino-http's own options alone with 'separate' and with autoLogging: false", () => {
    const separate = rfsPinoHttp(
      { useLevel: 'debug' },
      { resultLine: 'separate' },
    );
    expect(separate.customSuccessObject).toBeUndefined();
    expect(separate.customErrorObject).toBeUndefined();
    expect(separate.customProps).toBeUndefined();
    expect(separate.customLogLevel).toBeUndefined();
    expect(separate.useLevel).toBe('debug');
    for (const settings of [{}, { resultLine: 'merge' as const }]) {
      const off = rfsPinoHttp({ autoLogging: false }, settings);
      expect(off.customSuccessObject).toBeUndefined();
      expect(off.customProps).toBeUndefined();
    }
  });

  it('refuses a resultLine it does not know, naming the setting and the accepted values', () => {
    const bad = (settings: unknown) => () =>
      rfsPinoHttp({}, settings as RfsPinoHttpSettings);
    expect(bad({ resultLine: 'merged' })).toThrow(
      new TypeError(
        `rfsPinoHttp(options, settings): resultLine must be one of 'merge', 'separate', got "merged"`,
      ),
    );
    expect(bad({ resultLine: true })).toThrow(/resultLine must be .*got true/);
    expect(bad(null)).toThrow(/settings must be an object.*got null/);
    expect(bad('merge')).toThrow(/settings must be an object.*got "merge"/);
  });

  it('without Result fields the level is pino-http default (error for 5xx, else useLevel)', () => {
    const o = rfsPinoHttp({ useLevel: 'debug' }, { resultLine: 'merge' });
    const { req, res } = exchangeStore();
    (o.customProps as Fn)(req, res);
    expect((o.customLogLevel as Fn)(req, res, undefined)).toBe('debug');
    expect((o.customLogLevel as Fn)(req, { statusCode: 503 }, undefined)).toBe(
      'error',
    );
    expect((o.customLogLevel as Fn)(req, res, new Error('x'))).toBe('error');
  });

  it('merge with useLevel: pino-http accepts the options (it refuses useLevel next to customLogLevel) and logs at useLevel', () => {
    const o = rfsPinoHttp({ useLevel: 'debug' }, { resultLine: 'merge' });
    expect('useLevel' in o).toBe(false);
    const lines: Array<{ level: number }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as { level: number });
        cb();
      },
    });
    const middleware = pinoHttp({
      ...o,
      logger: pino({ level: 'debug' }, sink),
    });
    const req = new IncomingMessage(new Socket());
    const out = new ServerResponse(req);
    middleware(req, out);
    out.emit('finish');
    expect(lines.map((l) => l.level)).toEqual([pino.levels.values.debug]);
  });
});
