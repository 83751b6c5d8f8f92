import {
  Inject,
  Injectable,
  type OnModuleDestroy,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CorrelationIdResolver } from '../correlation/correlation-id.resolver';
import { OperationHub } from '../operations/operation-hub';
import {
  getResultLogSink,
  setResultLogSink,
  type ResultLogRecord,
  type ResultLogSink,
} from '../result/result-log-sink';
import { getRfsOptionsToken } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import { LogRedactor } from './log-redactor';
import { ResultLogger, type PinoLoggerLike } from './result-logger';
import { configureRfsPinoRuntime } from './rfs-pino-http';

/** Startup error when `logging` is on but nestjs-pino is not set up. */
export class RfsLoggingSetupError extends Error {
  constructor(reason: string) {
    super(
      `nestjs-rfs: the \`logging\` option is enabled, but ${reason}.\n` +
        'RfsModule writes Result logs through nestjs-pino and never calls LoggerModule.forRoot ' +
        'itself. Add these lines to your root module:\n\n' +
        "  import { LoggerModule } from 'nestjs-pino';\n" +
        "  import { RfsModule, rfsPinoHttp } from 'nestjs-rfs';\n\n" +
        '  @Module({\n' +
        '    imports: [\n' +
        '      LoggerModule.forRoot({ pinoHttp: rfsPinoHttp() }),\n' +
        '      RfsModule.forRoot({ serviceName: ... }),\n' +
        '    ],\n' +
        '  })\n\n' +
        '(install them with `npm install nestjs-pino pino-http` if needed), or turn Result ' +
        'logging off with RfsModule.forRoot({ logging: false }).',
    );
    this.name = 'RfsLoggingSetupError';
  }
}

/** Writes `MonoResult`/`FluxResult` log records through a {@link ResultLogger}. */
export class ResultLoggerSink implements ResultLogSink {
  constructor(private readonly logger: ResultLogger) {}

  /** Never throws. */
  log(record: ResultLogRecord): void {
    this.logger.logRecord(record);
  }
}

const SILENT: PinoLoggerLike = {
  levelVal: Infinity,
  levels: { values: {} },
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  fatal: () => undefined,
};

type NestjsPino = typeof import('nestjs-pino');

function loadNestjsPino(): NestjsPino | undefined {
  try {
    // nestjs-pino is an optional peer dependency: only required when logging is on.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('nestjs-pino') as NestjsPino;
  } catch {
    return undefined;
  }
}

/** Builds the ResultLogger on nestjs-pino's PinoLogger, or fails with the lines to add. */
export async function createResultLogger(
  options: RfsModuleOptions,
  hub: OperationHub,
  moduleRef: ModuleRef,
): Promise<ResultLogger> {
  const settings = {
    serviceName: options.serviceName,
    environment: options.environment,
    logging: options.logging,
  };
  if (options.logging === false) return new ResultLogger(SILENT, settings, hub);
  const nestjsPino = loadNestjsPino();
  if (nestjsPino === undefined) {
    throw new RfsLoggingSetupError('the nestjs-pino package is not installed');
  }
  let pinoLogger: InstanceType<NestjsPino['PinoLogger']>;
  try {
    pinoLogger = await moduleRef.resolve(nestjsPino.PinoLogger, undefined, {
      strict: false,
    });
  } catch {
    throw new RfsLoggingSetupError(
      "nestjs-pino's PinoLogger cannot be resolved (LoggerModule.forRoot is not imported)",
    );
  }
  return new ResultLogger(pinoLogger, settings, hub);
}

/**
 * Registers the ResultLogger with the operation hub, installs it as the `MonoResult`/
 * `FluxResult` log sink and hands the correlation resolver to `rfsPinoHttp()`; undoes it all
 * on shutdown.
 */
@Injectable()
export class ResultLoggingLifecycle implements OnModuleInit, OnModuleDestroy {
  private removeListener: (() => void) | undefined;
  private sink: ResultLogSink | undefined;

  constructor(
    private readonly logger: ResultLogger,
    private readonly hub: OperationHub,
    private readonly resolver: CorrelationIdResolver,
    @Inject(getRfsOptionsToken()) private readonly options: RfsModuleOptions,
  ) {}

  /** Idempotent: Nest runs init hooks again on `moduleRef.init()` then `app.init()`. */
  onModuleInit(): void {
    const logging = this.options.logging;
    if (logging === false || this.removeListener !== undefined) return;
    configureRfsPinoRuntime(
      this.options.correlation === false ? undefined : this.resolver,
      new LogRedactor(logging.redact),
    );
    this.removeListener = this.hub.addListener(this.logger);
    this.sink = new ResultLoggerSink(this.logger);
    setResultLogSink(this.sink);
  }

  onModuleDestroy(): void {
    this.removeListener?.();
    this.removeListener = undefined;
    if (this.sink !== undefined && getResultLogSink() === this.sink)
      setResultLogSink(undefined);
    this.sink = undefined;
  }
}

/**
 * Providers RfsModule registers for the `logging` section: the injectable {@link ResultLogger}
 * (a no-op with `logging: false`) and its lifecycle.
 */
export const loggingProviders: Provider[] = [
  {
    provide: ResultLogger,
    useFactory: createResultLogger,
    inject: [getRfsOptionsToken(), OperationHub, ModuleRef],
  },
  ResultLoggingLifecycle,
];
