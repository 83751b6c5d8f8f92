import 'reflect-metadata';
import { createHook } from 'node:async_hooks';
import pino from 'pino';
import { CorrelationContext } from '../correlation/correlation-context';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { err, ok, type Result } from '../result/result';
import { LogResultOperation } from './log-result-operation.decorator';
import type { PinoLoggerLike } from './pino-logger.source';
import { ResultLogger } from './result-logger';

type Line = Record<string, unknown>;

const boom = new Error('boom');

class Orders {
  async plain(n: number): Promise<Result<number, string>> {
    return n > 0 ? ok(n) : err('must be positive');
  }

  @LogResultOperation('orders.find')
  async find(n: number): Promise<Result<number, string>> {
    return n > 0 ? ok(n) : err('must be positive');
  }

  @LogResultOperation('orders.fail')
  async fail(): Promise<never> {
    await Promise.resolve();
    throw boom;
  }

  @LogResultOperation('orders.slow', { slowMs: 0 })
  async slow(): Promise<Result<number, string>> {
    await new Promise<void>((r) => setImmediate(r));
    return ok(1);
  }

  @LogResultOperation('orders.debug', { level: 'debug' })
  debugLevel(): Result<number, string> {
    return ok(1);
  }
}

const settings = { serviceName: 'svc', environment: 'test', logging: {} };

function capture(level: string) {
  const lines: Line[] = [];
  const logger = pino(
    { level },
    { write: (s: string) => void lines.push(JSON.parse(s) as Line) },
  );
  return { lines, logger };
}

/** A hub whose only listener is a ResultLogger; `emit` is counted. */
function loggerOnlyHub(logger: PinoLoggerLike | { logger: PinoLoggerLike }) {
  const hub = new OperationHub();
  hub.addListener(new ResultLogger(logger, settings));
  const emitted: OperationEvent[] = [];
  const emit = hub.emit.bind(hub);
  hub.emit = (e: OperationEvent) => {
    emitted.push(e);
    emit(e);
  };
  OperationHub.setCurrent(hub);
  return { hub, emitted };
}

afterEach(() => OperationHub.setCurrent(undefined));

describe('@LogResultOperation with Ok lines below the logger level', () => {
  it('builds no ok event when no listener wants it, but still logs Err lines and defects', async () => {
    const { lines, logger } = capture('warn');
    const { emitted } = loggerOnlyHub(logger);
    const o = new Orders();

    await expect(o.find(1)).resolves.toEqual(ok(1));
    expect(emitted).toHaveLength(0);

    await expect(o.find(-1)).resolves.toEqual(err('must be positive'));
    await expect(o.fail()).rejects.toBe(boom);
    expect(emitted.map((e) => e.outcome)).toEqual(['err', 'defect']);
    expect(lines.map((l) => [l.level, l.outcome, l.operation])).toEqual([
      [40, 'err', 'orders.find'],
      [50, 'defect', 'orders.fail'],
    ]);
  });

  it('still writes a slow Ok line at warn', async () => {
    const { lines, logger } = capture('warn');
    loggerOnlyHub(logger);
    await new Orders().slow();
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, outcome: 'ok', slow: true }),
    ]);
  });

  it('applies a change of the logger level to the next call (pino level-change)', async () => {
    const { lines, logger } = capture('warn');
    const { emitted } = loggerOnlyHub(logger);
    const o = new Orders();
    await o.find(1);
    logger.level = 'info';
    await o.find(2);
    logger.level = 'error';
    await o.find(3);
    await o.find(-1); // Err at warn: below `error` now
    logger.level = 'debug';
    o.debugLevel();
    expect(lines.map((l) => [l.operation, l.outcome, l.level])).toEqual([
      ['orders.find', 'ok', 30],
      ['orders.debug', 'ok', 20],
    ]);
    expect(emitted.map((e) => e.outcome)).toEqual(['ok', 'err', 'ok']);
  });

  it('follows the current logger of a nestjs-pino-like holder on every call', async () => {
    const quiet = capture('warn');
    const chatty = capture('info');
    const holder = { logger: quiet.logger as PinoLoggerLike };
    loggerOnlyHub(holder);
    const o = new Orders();
    await o.find(1);
    holder.logger = chatty.logger; // e.g. a request logger; no level-change event
    await o.find(2);
    holder.logger = quiet.logger;
    await o.find(3);
    expect(quiet.lines).toHaveLength(0);
    expect(chatty.lines.map((l) => l.outcome)).toEqual(['ok']);
  });

  it('asks a stand-in logger without level-change events on every call', async () => {
    const lines: Line[] = [];
    const standIn = {
      levelVal: 40,
      levels: pino.levels,
      trace: () => undefined,
      debug: () => undefined,
      info: (obj: object) => void lines.push(obj as Line),
      warn: (obj: object) => void lines.push(obj as Line),
      error: (obj: object) => void lines.push(obj as Line),
      fatal: () => undefined,
    };
    loggerOnlyHub(standIn);
    const o = new Orders();
    await o.find(1);
    standIn.levelVal = 30;
    await o.find(2);
    expect(lines.map((l) => l.outcome)).toEqual(['ok']);
  });

  it('still hands every ok event to a listener that does not say what it wants (metrics)', async () => {
    const { lines, logger } = capture('warn');
    const { hub } = loggerOnlyHub(logger);
    const events: OperationEvent[] = [];
    hub.addListener({ onOperation: (e) => void events.push(e) });
    await new Orders().find(1);
    expect(lines).toHaveLength(0);
    expect(events.map((e) => [e.operation, e.outcome, e.value])).toEqual([
      ['orders.find', 'ok', 1],
    ]);
  });

  it('adds exactly one promise to an async call, inside a correlation context', async () => {
    const { logger } = capture('warn');
    loggerOnlyHub(logger);
    const o = new Orders();
    let promises = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'PROMISE') promises++;
      },
    });
    const count = async (call: () => Promise<unknown>): Promise<number> => {
      hook.enable();
      promises = 0;
      const p = call();
      const created = promises;
      hook.disable();
      await p;
      return created;
    };
    await CorrelationContext.run('c-1', async () => {
      const undecorated = await count(() => o.plain(1));
      expect(await count(() => o.find(1))).toBe(undecorated + 1);
      expect(await count(() => o.find(-1))).toBe(undecorated + 1);
    });
  });
});

describe('OperationHub.okEventThresholdMs', () => {
  it('is the lowest answer of its listeners; a listener without one (or failing) wants every event', () => {
    const hub = new OperationHub();
    expect(hub.okEventThresholdMs('op', undefined)).toBe(Infinity);
    hub.addListener({
      onOperation: () => undefined,
      okEventThresholdMs: () => 500,
    });
    const remove = hub.addListener({
      onOperation: () => undefined,
      okEventThresholdMs: () => 100,
    });
    expect(hub.okEventThresholdMs('op', undefined)).toBe(100);
    remove();
    expect(hub.okEventThresholdMs('op', undefined)).toBe(500);
    hub.addListener({
      onOperation: () => undefined,
      okEventThresholdMs: () => {
        throw new Error('broken');
      },
    });
    expect(hub.okEventThresholdMs('op', undefined)).toBe(-Infinity);
  });

  it('a listener whose okEventThresholdPerCall getter throws: the decorated call still resolves and the event is emitted', async () => {
    const hub = new OperationHub();
    const events: OperationEvent[] = [];
    hub.addListener({
      onOperation: (e) => events.push(e),
      get okEventThresholdPerCall(): boolean {
        throw new Error('broken getter');
      },
    });
    expect(hub.okEventThresholdPerCall).toBe(true);
    const previous = OperationHub.current();
    OperationHub.setCurrent(hub);
    try {
      await expect(new Orders().find(2)).resolves.toEqual(ok(2));
    } finally {
      OperationHub.setCurrent(previous);
    }
    expect(events).toMatchObject([{ operation: 'orders.find', outcome: 'ok' }]);
  });

  it('bumps the version when listeners or the current hub change', () => {
    const hub = new OperationHub();
    const v0 = OperationHub.version;
    const remove = hub.addListener({ onOperation: () => undefined });
    const v1 = OperationHub.version;
    remove();
    const v2 = OperationHub.version;
    OperationHub.setCurrent(hub);
    const v3 = OperationHub.version;
    OperationHub.invalidate();
    expect([v0 < v1, v1 < v2, v2 < v3, v3 < OperationHub.version]).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});
