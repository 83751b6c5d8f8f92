import 'reflect-metadata';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { SetMetadata, UseGuards, type CanActivate } from '@nestjs/common';
import pino from 'pino';
import { CorrelationContext } from '../correlation/correlation-context';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { FluxResult } from '../result/flux-result';
import { MonoResult } from '../result/mono-result';
import { throwError } from 'rxjs';
import { err, ok, type Result } from '../result/result';
import { RFS_LOG_OPERATION_METADATA } from '../rfs.constants';
import { LogResultOperation } from './log-result-operation.decorator';
import { ResultLogger } from './result-logger';

type Line = Record<string, unknown>;

class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

const boom = new Error('boom');

class Orders {
  factor = 2;

  @LogResultOperation()
  double(n: number): Result<number, string> {
    return n < 0 ? err('negative') : ok(n * this.factor);
  }

  @LogResultOperation('orders.load', { includeArgs: true, includeResult: true })
  async load(
    id: string,
    _opts?: { token: string },
  ): Promise<Result<{ id: string }, string>> {
    await Promise.resolve();
    return ok({ id });
  }

  @LogResultOperation()
  plain(): string {
    return 'hello';
  }

  @LogResultOperation()
  throwsSync(): never {
    throw boom;
  }

  @LogResultOperation()
  async rejects(): Promise<never> {
    await Promise.resolve();
    throw boom;
  }

  runs = 0;

  @LogResultOperation({ level: 'debug' })
  mono(): MonoResult<number, string> {
    return MonoResult.fromAsync(async () => {
      this.runs++;
      return ok(this.runs);
    });
  }

  @LogResultOperation()
  flux(): FluxResult<number, string> {
    return FluxResult.fromResults([ok(1), err('bad'), ok(3)]);
  }

  @LogResultOperation()
  async asyncFlux(): Promise<FluxResult<number, string>> {
    await Promise.resolve();
    return FluxResult.fromResults([ok(1), ok(2)]);
  }

  @LogResultOperation()
  brokenFlux(): FluxResult<number, string> {
    return FluxResult.fromResults(throwError(() => boom));
  }

  @LogResultOperation()
  waits(): MonoResult<number, string> {
    return MonoResult.fromPromise(
      (signal) =>
        new Promise<number>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
      () => 'failed',
    );
  }

  @LogResultOperation({ sampleRate: 0 })
  sampled(): Result<number, string> {
    return ok(1);
  }

  @LogResultOperation({ sampleRate: 0 })
  sampledErr(): Result<number, string> {
    return err('always');
  }

  @LogResultOperation({ slowMs: 0 })
  async slow(): Promise<Result<number, string>> {
    await new Promise<void>((r) => setImmediate(r));
    return ok(1);
  }

  @UseGuards(AllowGuard)
  @LogResultOperation()
  guarded(a: number, b: number): number {
    return a + b;
  }

  @LogResultOperation()
  @SetMetadata('custom:key', 'kept')
  annotated(): number {
    return 1;
  }
}

function setup(level = 'debug') {
  const lines: Line[] = [];
  const logger = pino(
    { level },
    { write: (s: string) => void lines.push(JSON.parse(s) as Line) },
  );
  const hub = new OperationHub();
  const events: OperationEvent[] = [];
  hub.addListener(
    new ResultLogger(logger, {
      serviceName: 'svc',
      environment: 'test',
      logging: {},
    }),
  );
  hub.addListener({ onOperation: (e) => void events.push(e) });
  OperationHub.setCurrent(hub);
  return { lines, events, hub };
}

afterEach(() => OperationHub.setCurrent(undefined));

describe('@LogResultOperation', () => {
  it('names the operation ClassName.method and declares it at decoration time', () => {
    expect(OperationHub.declaredOperations().has('Orders.double')).toBe(true);
    expect(OperationHub.declaredOperations().has('orders.load')).toBe(true);
    const meta = Reflect.getMetadata(
      RFS_LOG_OPERATION_METADATA,
      Orders.prototype.load,
    ) as unknown;
    expect(meta).toEqual({
      operation: 'orders.load',
      options: { includeArgs: true, includeResult: true },
    });
  });

  it('logs a sync Ok and Err, keeping `this`, and emits one event per call', () => {
    const { lines, events } = setup();
    const o = new Orders();
    expect(o.double(2)).toEqual(ok(4));
    expect(o.double(-1)).toEqual(err('negative'));
    expect(events.map((e) => [e.operation, e.outcome])).toEqual([
      ['Orders.double', 'ok'],
      ['Orders.double', 'err'],
    ]);
    expect(lines.map((l) => [l.level, l.outcome, l.valueType])).toEqual([
      [30, 'ok', 'number'],
      [40, 'err', undefined],
    ]);
    // the line's duration is the event's duration: one timing for logs and metrics
    expect(lines[0].durationMs).toBe(
      Math.round(events[0].durationMs * 1000) / 1000,
    );
  });

  it('logs Promise<Result> with redacted args and result inside the caller correlation context', async () => {
    const { lines } = setup();
    const r = await CorrelationContext.run('req-7', () =>
      new Orders().load('o-1', { token: 'secret-token' }),
    );
    expect(r).toEqual(ok({ id: 'o-1' }));
    expect(lines[0]).toMatchObject({
      operation: 'orders.load',
      correlationId: 'req-7',
      outcome: 'ok',
      args: ['o-1', { token: '[Redacted]' }],
      result: { id: 'o-1' },
    });
  });

  it('logs a plain value as ok', () => {
    const { lines } = setup();
    expect(new Orders().plain()).toBe('hello');
    expect(lines[0]).toMatchObject({ outcome: 'ok', valueType: 'string' });
  });

  it('logs a sync throw as a defect with its stack and rethrows the same error', () => {
    const { lines } = setup();
    expect(() => new Orders().throwsSync()).toThrow(boom);
    expect(lines[0]).toMatchObject({
      level: 50,
      outcome: 'defect',
      error: { type: 'Error', code: 'DEFECT', message: 'boom' },
    });
    expect((lines[0].error as { stack: string }).stack).toMatch(
      /^Error: boom\n\s+at /,
    );
  });

  it('logs a rejection as a defect and rejects with the same error', async () => {
    const { lines } = setup();
    await expect(new Orders().rejects()).rejects.toBe(boom);
    expect(lines[0]).toMatchObject({
      outcome: 'defect',
      operation: 'Orders.rejects',
    });
  });

  it('logs a MonoResult when it runs (each run), not when it is created', async () => {
    const { lines } = setup();
    const o = new Orders();
    const m = o.mono();
    expect(m).toBeInstanceOf(MonoResult);
    expect(lines).toHaveLength(0);
    expect(await m).toEqual(ok(1));
    expect(await m.map((n) => n * 10)).toEqual(ok(20));
    expect(lines.map((l) => [l.operation, l.level, l.outcome])).toEqual([
      ['Orders.mono', 20, 'ok'],
      ['Orders.mono', 20, 'ok'],
    ]);
  });

  it('logs a FluxResult once on completion with ok/err counts, not when created', async () => {
    const { lines, events } = setup();
    const f = new Orders().flux();
    expect(lines).toHaveLength(0);
    const all = await f.collectAll();
    expect(all).toEqual(err(['bad']));
    expect(events.map((e) => [e.source, e.outcome, e.flux])).toEqual([
      ['flux', 'err', { ok: 2, err: 1 }],
    ]);
    expect(lines[0]).toMatchObject({
      operation: 'Orders.flux',
      outcome: 'err',
      flux: { ok: 2, err: 1 },
    });
    expect(lines[0]).not.toHaveProperty('error');
  });

  it('logs a FluxResult resolved by an async method when the stream completes', async () => {
    const { lines } = setup();
    const f = await new Orders().asyncFlux();
    expect(lines).toHaveLength(0);
    expect(await f.collect()).toEqual(ok([1, 2]));
    expect(lines.map((l) => [l.operation, l.outcome, l.flux])).toEqual([
      ['Orders.asyncFlux', 'ok', { ok: 2, err: 0 }],
    ]);
  });

  it('logs an erroring FluxResult as a defect', async () => {
    const { lines } = setup();
    await expect(new Orders().brokenFlux().collectAll()).rejects.toBe(boom);
    expect(lines[0]).toMatchObject({
      outcome: 'defect',
      level: 50,
      flux: { ok: 0, err: 0 },
      error: { message: 'boom' },
    });
  });

  it('writes nothing for a MonoResult run that is cancelled', async () => {
    const { lines, events } = setup();
    const ac = new AbortController();
    const run = new Orders().waits().run(ac.signal);
    const reason = new Error('client went away');
    ac.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(events).toHaveLength(0);
    expect(lines).toHaveLength(0);
  });

  it('samples Ok lines but always writes Err lines; events still reach metrics', () => {
    const { lines, events } = setup();
    const o = new Orders();
    for (let i = 0; i < 5; i++) o.sampled();
    o.sampledErr();
    expect(lines.map((l) => l.outcome)).toEqual(['err']);
    expect(events).toHaveLength(6);
  });

  it('flags a call over slowMs as slow at warn', async () => {
    const { lines } = setup();
    await new Orders().slow();
    expect(lines[0]).toMatchObject({ level: 40, slow: true });
  });

  it('writes no Ok line below the logger level', () => {
    const { lines, events } = setup('warn');
    new Orders().double(1);
    expect(lines).toHaveLength(0);
    expect(events).toHaveLength(1);
  });

  it('keeps name, length and every Reflect metadata entry of the method', () => {
    const d = Orders.prototype.guarded;
    expect(d.name).toBe('guarded');
    expect(d.length).toBe(2);
    expect(Reflect.getMetadata(GUARDS_METADATA, d)).toEqual([AllowGuard]);
    expect(Reflect.getMetadata('custom:key', Orders.prototype.annotated)).toBe(
      'kept',
    );
  });

  it('just calls the method when no RfsModule hub is running', () => {
    OperationHub.setCurrent(undefined);
    expect(new Orders().double(3)).toEqual(ok(6));
  });

  it('rejects bad options with a clear error at decoration time', () => {
    expect(() => LogResultOperation({ sampleRate: 2 })).toThrow(
      /sampleRate must be a number between 0 and 1, got 2/,
    );
    expect(() =>
      LogResultOperation('x', { level: 'loud' as 'info', slowMs: -1 }),
    ).toThrow(
      /level must be one of trace, debug, info, warn, error, fatal, got loud[\s\S]*slowMs must be a number ≥ 0/,
    );
    expect(() => LogResultOperation({ include: true } as never)).toThrow(
      /include is not a known option/,
    );
  });
});
