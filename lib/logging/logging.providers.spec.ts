import type { ModuleRef } from '@nestjs/core';
import pino from 'pino';
import { CorrelationIdResolver } from '../correlation/correlation-id.resolver';
import { OperationHub } from '../operations/operation-hub';
import { getResultLogSink, setResultLogSink } from '../result/result-log-sink';
import { resolveRfsOptions } from '../rfs.options';
import {
  ResultLoggerSink,
  ResultLoggingLifecycle,
  RfsLoggingSetupError,
  createResultLogger,
} from './logging.providers';
import { ResultLogger } from './result-logger';

const failingRef = {
  resolve: () => Promise.reject(new Error('Nest could not find PinoLogger')),
} as unknown as ModuleRef;

/** One finished Ok operation, as the decorator or interceptor emits it. */
const OK_EVENT = {
  operation: 'a',
  outcome: 'ok',
  durationMs: 1,
  source: 'method',
} as const;

/** A logging lifecycle over a fresh hub whose logger writes into `lines`. */
function loggingLifecycle() {
  const lines: string[] = [];
  const hub = new OperationHub();
  const logger = new ResultLogger(
    pino({}, { write: (s: string) => void lines.push(s) }),
    { serviceName: 'svc', environment: 'test', logging: {} },
  );
  const lifecycle = new ResultLoggingLifecycle(
    logger,
    hub,
    new CorrelationIdResolver(),
    resolveRfsOptions({ serviceName: 'svc' }),
  );
  return { lines, hub, lifecycle };
}

describe('logging providers', () => {
  afterEach(() => setResultLogSink(undefined));

  it('fails startup with the lines to add when PinoLogger cannot be resolved', async () => {
    const error = await createResultLogger(
      resolveRfsOptions({}),
      new OperationHub(),
      failingRef,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RfsLoggingSetupError);
    const message = (error as Error).message;
    expect(message).toContain('PinoLogger cannot be resolved');
    expect(message).toContain(
      'LoggerModule.forRoot({ pinoHttp: rfsPinoHttp() }),',
    );
    expect(message).toContain('RfsModule.forRoot({ logging: false })');
  });

  it('fails with "not installed" when nestjs-pino is missing', async () => {
    jest.resetModules();
    jest.doMock('nestjs-pino', () => {
      throw new Error("Cannot find module 'nestjs-pino'");
    });
    // a fresh module registry in which require('nestjs-pino') fails
    const isolated = jest.requireActual<typeof import('./logging.providers')>(
      './logging.providers',
    );
    const error = await isolated
      .createResultLogger(resolveRfsOptions({}), new OperationHub(), failingRef)
      .catch((e: unknown) => e);
    jest.dontMock('nestjs-pino');
    jest.resetModules();
    expect((error as Error).message).toContain(
      'the nestjs-pino package is not installed',
    );
  });

  it('gives a silent ResultLogger with logging: false, without needing nestjs-pino', async () => {
    const logger = await createResultLogger(
      resolveRfsOptions({ logging: false }),
      new OperationHub(),
      failingRef,
    );
    expect(logger.enabled).toBe(false);
  });

  it('the lifecycle registers the logger on the hub and installs the sink, and undoes both', () => {
    const { lines, hub, lifecycle } = loggingLifecycle();
    lifecycle.onModuleInit();
    expect(getResultLogSink()).toBeInstanceOf(ResultLoggerSink);
    hub.emit(OK_EVENT);
    expect(lines).toHaveLength(1);
    lifecycle.onModuleDestroy();
    hub.emit(OK_EVENT);
    expect(lines).toHaveLength(1);
    expect(getResultLogSink()).not.toBeInstanceOf(ResultLoggerSink);
  });

  it('the lifecycle registers once when Nest runs the init hooks twice', () => {
    const { lines, hub, lifecycle } = loggingLifecycle();
    lifecycle.onModuleInit(); // moduleRef.init()
    lifecycle.onModuleInit(); // app.init()
    hub.emit(OK_EVENT);
    expect(lines).toHaveLength(1);
    lifecycle.onModuleDestroy();
    hub.emit(OK_EVENT);
    expect(lines).toHaveLength(1);
    // re-initialised after a shutdown, it registers again
    lifecycle.onModuleInit();
    hub.emit(OK_EVENT);
    expect(lines).toHaveLength(2);
    lifecycle.onModuleDestroy();
  });
});
