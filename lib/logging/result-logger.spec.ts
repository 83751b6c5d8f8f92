import pino from 'pino';
import { CorrelationContext } from '../correlation/correlation-context';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { MonoResult } from '../result/mono-result';
import { err, ok } from '../result/result';
import { setResultLogSink } from '../result/result-log-sink';
import { RfsError } from '../result/rfs.error';
import { LoggingOptions } from './logging.options';
import { ResultLoggerSink } from './logging.providers';
import { ResultLogger, type ResultLoggerSettings } from './result-logger';

type Line = Record<string, unknown>;

function setup(
  logging: Partial<LoggingOptions> | false = {},
  level = 'info',
  extra: Partial<ResultLoggerSettings> = {},
  hub?: OperationHub,
) {
  const lines: Line[] = [];
  const logger = pino(
    { level },
    { write: (s: string) => void lines.push(JSON.parse(s) as Line) },
  );
  const results = new ResultLogger(
    logger,
    { serviceName: 'orders', environment: 'test', logging, ...extra },
    hub,
  );
  return { lines, logger, results };
}

describe('ResultLogger', () => {
  it('writes an Ok line with every ResultLogEntry field and the request-scoped fields', () => {
    const { lines, results } = setup();
    CorrelationContext.run('cid-1', () => {
      CorrelationContext.set('tenant', 'acme');
      results.logResult('Orders.create', ok({ id: 1 }), {
        durationMs: 12.34567,
        metadata: { batch: 3 },
      });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'Orders.create ok',
      service: 'orders',
      environment: 'test',
      correlationId: 'cid-1',
      tenant: 'acme',
      operation: 'Orders.create',
      outcome: 'ok',
      durationMs: 12.346,
      valueType: 'object',
      metadata: { batch: 3 },
    });
    expect(typeof lines[0].time).toBe('number');
    expect(lines[0]).not.toHaveProperty('slow');
    expect(lines[0]).not.toHaveProperty('error');
  });

  it('writes correlationId null outside any correlation context', () => {
    const { lines, results } = setup();
    results.logResult('job', ok([1]));
    expect(lines[0]).toMatchObject({ correlationId: null, valueType: 'array' });
  });

  it('writes an Err at warn with type, code, message and redacted details', () => {
    const { lines, results } = setup();
    const e = new RfsError('CONFLICT', 'taken', {
      details: { user: { password: 'p', name: 'x' } },
    });
    results.logResult('Users.register', err(e), { durationMs: 1 });
    expect(lines[0]).toMatchObject({
      level: 40,
      outcome: 'err',
      error: {
        type: 'RfsError',
        code: 'CONFLICT',
        message: 'taken',
        details: { user: { password: '[Redacted]', name: 'x' } },
      },
    });
    expect(lines[0].error).not.toHaveProperty('stack');
  });

  it('describes non-Error errors (coded objects, strings)', () => {
    const { lines, results } = setup();
    results.logResult('a', err({ code: 'OUT_OF_STOCK', message: 'none left' }));
    results.logResult('b', err('plain'));
    expect(lines[0].error).toEqual({
      type: 'object',
      code: 'OUT_OF_STOCK',
      message: 'none left',
    });
    expect(lines[1].error).toEqual({
      type: 'string',
      code: 'UNKNOWN',
      message: 'plain',
    });
  });

  it('writes a defect at error with its stack', () => {
    const { lines, results } = setup();
    results.logError('Orders.pay', new TypeError('x is undefined'), {
      defect: true,
    });
    expect(lines[0]).toMatchObject({
      level: 50,
      outcome: 'defect',
      error: { type: 'TypeError', code: 'DEFECT', message: 'x is undefined' },
    });
    expect((lines[0].error as { stack: string }).stack).toContain(
      'TypeError: x is undefined',
    );
  });

  it('flags slow Ok lines and writes them at warn even when Ok lines are sampled out', () => {
    const { lines, results } = setup({ slowMs: 100, sampleRate: 0 });
    results.logResult('fast', ok(1), { durationMs: 99 });
    results.logResult('slow', ok(1), { durationMs: 101 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      operation: 'slow',
      level: 40,
      slow: true,
      msg: 'slow ok (slow)',
    });
  });

  it('logPerformance uses its own slowMs', () => {
    const { lines, results } = setup();
    results.logPerformance('report', 50, { slowMs: 10 });
    results.logPerformance('report', 5, { slowMs: 10 });
    expect(lines.map((l) => [l.level, l.slow])).toEqual([
      [40, true],
      [30, undefined],
    ]);
  });

  it('samples Ok lines with sampleRate and always writes Err and defect lines', () => {
    const seq = [0.1, 0.6, 0.3, 0.9];
    let i = 0;
    const { lines, results } = setup({ sampleRate: 0.5 }, 'info', {
      random: () => seq[i++ % seq.length],
    });
    for (let n = 0; n < 4; n++) results.logResult('op', ok(n));
    results.logResult('op', err('e'));
    results.logError('op', new Error('d'), { defect: true });
    expect(lines.map((l) => l.outcome)).toEqual(['ok', 'ok', 'err', 'defect']);
  });

  it('writes nothing for Ok lines below the logger level, but keeps Err lines', () => {
    const { lines, results } = setup({}, 'warn');
    results.logResult('op', ok(1));
    results.logResult('op', err('e'));
    expect(lines.map((l) => l.outcome)).toEqual(['err']);
  });

  it('honours per-call levels of operation events', () => {
    const { lines, results } = setup({}, 'debug');
    const base = { operation: 'op', durationMs: 1, source: 'method' } as const;
    results.onOperation({ ...base, outcome: 'ok', log: { level: 'debug' } });
    results.onOperation({
      ...base,
      outcome: 'err',
      error: 'e',
      log: { errLevel: 'error' },
    });
    results.onOperation({ ...base, outcome: 'ok', log: { silent: true } });
    expect(lines.map((l) => l.level)).toEqual([20, 50]);
  });

  it('logs redacted args and results only when asked', () => {
    const { lines, results } = setup();
    const event: OperationEvent = {
      operation: 'Auth.login',
      outcome: 'ok',
      durationMs: 2,
      source: 'method',
      value: { token: 'abc', user: 'ann' },
      args: [{ user: 'ann', password: 'pw' }],
    };
    results.onOperation(event);
    results.onOperation({
      ...event,
      log: { includeArgs: true, includeResult: true },
    });
    expect(lines[0]).not.toHaveProperty('args');
    expect(lines[0]).not.toHaveProperty('result');
    expect(lines[1]).toMatchObject({
      args: [{ user: 'ann', password: '[Redacted]' }],
      result: { token: '[Redacted]', user: 'ann' },
    });
  });

  it('never throws on hostile values and still writes a line', () => {
    const { lines, results } = setup();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
      toJSON(): never {
        throw new Error('json');
      },
    };
    const e = new Error('m'.repeat(1024 * 1024));
    Object.defineProperty(e, 'code', {
      get(): never {
        throw new Error('code getter');
      },
    });
    expect(() => {
      results.onOperation({
        operation: 'x',
        outcome: 'ok',
        durationMs: 1,
        source: 'method',
        value: cyclic,
        args: [hostile, cyclic, 10n],
        metadata: { cyclic, hostile },
        log: { includeArgs: true, includeResult: true },
      });
      results.logResult('y', err(e));
    }).not.toThrow();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      result: { self: '[Circular]' },
      args: ['[toJSON threw]', { self: '[Circular]' }, '10'],
    });
    expect((lines[1].error as { message: string }).message.length).toBeLessThan(
      3000,
    );
  });

  it('never throws when the pino logger itself throws', () => {
    const results = new ResultLogger(
      {
        levelVal: 30,
        levels: { values: { info: 30, warn: 40, error: 50 } },
        trace: () => undefined,
        debug: () => undefined,
        info: () => {
          throw new Error('disk full');
        },
        warn: () => undefined,
        error: () => undefined,
        fatal: () => undefined,
      },
      { serviceName: 's', environment: 'e', logging: {} },
    );
    expect(() => results.logResult('op', ok(1))).not.toThrow();
  });

  it('is a no-op with logging: false', () => {
    const { lines, results } = setup(false);
    results.logResult('op', ok(1));
    results.logError('op', 'e');
    results.onOperation({
      operation: 'op',
      outcome: 'err',
      durationMs: 1,
      source: 'method',
    });
    expect(lines).toHaveLength(0);
    expect(results.enabled).toBe(false);
  });

  it('skips HTTP handler events with logHttpHandlers: false', () => {
    const { lines, results } = setup({ logHttpHandlers: false });
    results.onOperation({
      operation: 'C.h',
      outcome: 'ok',
      durationMs: 1,
      source: 'http',
    });
    results.onOperation({
      operation: 'C.m',
      outcome: 'ok',
      durationMs: 1,
      source: 'method',
    });
    expect(lines.map((l) => l.operation)).toEqual(['C.m']);
  });

  it('completeOperation times once and hands one event to every hub listener', () => {
    const hub = new OperationHub();
    let t = 100;
    const { lines, results } = setup({}, 'info', { now: () => t }, hub);
    const seen: OperationEvent[] = [];
    hub.addListener(results);
    hub.addListener({ onOperation: (e) => seen.push(e) });
    const running = CorrelationContext.run('cid-9', () =>
      results.startOperation('import', { file: 'a.csv' }),
    );
    t = 142.5;
    CorrelationContext.run('cid-9', () =>
      results.completeOperation(running, err(RfsError.timeout('import', 40))),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      operation: 'import',
      outcome: 'err',
      durationMs: 42.5,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      durationMs: 42.5,
      correlationId: 'cid-9',
      metadata: { file: 'a.csv' },
      error: { code: 'TIMEOUT_ERROR' },
    });
  });

  it('logs step names and writes MonoResult log records through the sink', async () => {
    const { lines, results } = setup();
    results.logStep('checkout', 'reserve', ok(true), { durationMs: 3 });
    setResultLogSink(new ResultLoggerSink(results));
    try {
      await MonoResult.ok(1)
        .logStep('load', { level: 'info' })
        .flatMap(() => err(RfsError.notFound('order', 1)))
        .logError('checkout')
        .logPerformance('checkout.total', { slowMs: 0 });
    } finally {
      setResultLogSink(undefined);
    }
    expect(lines.map((l) => [l.operation, l.step, l.outcome, l.level])).toEqual(
      [
        ['checkout', 'reserve', 'ok', 30],
        ['load', 'load', 'ok', 30],
        ['checkout', undefined, 'err', 40],
        ['checkout.total', undefined, 'err', 40],
      ],
    );
    expect(lines[2]).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
