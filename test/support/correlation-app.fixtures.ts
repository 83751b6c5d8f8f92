// The app and helpers of the correlation e2e specs (test/correlation-*.e2e-spec.ts): the
// controllers of correlation-app.controllers served by RfsModule on a real adapter, and clients
// that send headers exactly as given (hand-written requests for values Node's client refuses).
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { Agent } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { RfsModule, type RfsModuleForRootOptions } from 'nestjs-rfs';
import {
  ItemsController,
  Jobs,
  RpcController,
  TenantGuard,
  ThingsController,
} from './correlation-app.controllers';
import { localRequest, type LocalReply } from './local-request';

/** A generated correlation id (`crypto.randomUUID`, version 4). */
export const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type ModuleClass = new (...args: never[]) => unknown;

/** A root module serving the correlation controllers with `RfsModule.forRoot(options)`. */
export function correlationAppModule(
  options: RfsModuleForRootOptions = {},
): ModuleClass {
  @Module({
    // Result logging is not under test here (it would need nestjs-pino's LoggerModule).
    imports: [RfsModule.forRoot({ logging: false, ...options })],
    controllers: [ItemsController, ThingsController, RpcController],
    providers: [Jobs, TenantGuard],
  })
  class AppModule {}
  return AppModule;
}

/** Sends a hand-written request (Node's client refuses hostile header values). */
export function rawCall(
  port: number,
  headerLines: string[],
  path = '/items/id',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        Buffer.from(
          [
            `GET ${path} HTTP/1.1`,
            'Host: 127.0.0.1',
            'Connection: close',
            ...headerLines,
            '',
            '',
          ].join('\r\n'),
          'latin1',
        ),
      );
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

/** The values of the response header `name` (lower case) in a raw HTTP response. */
export function headerOf(raw: string, name: string): string[] {
  const head = raw.split('\r\n\r\n')[0].split('\r\n').slice(1);
  return head
    .filter((l) => l.toLowerCase().startsWith(`${name}:`))
    .map((l) => l.slice(name.length + 1).trim());
}

// One keep-alive pool per spec file (Jest loads this module once per file), bounded so that
// thousands of concurrent requests queue on 64 sockets; destroyed after the file's tests.
let agent: Agent | undefined;
afterAll(() => agent?.destroy());

/** One request to `127.0.0.1:port` through the spec file's keep-alive pool. */
export function call(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<LocalReply> {
  agent ??= new Agent({ keepAlive: true, maxSockets: 64 });
  return localRequest(port, path, { headers, method, body, agent });
}

/** The port an app listens on. */
export function portOf(app: INestApplication): number {
  return (app.getHttpServer().address() as AddressInfo).port;
}

/**
 * Creates the app of `module` on `adapter` without Nest's console logger, runs `setup` (global
 * prefix, versioning, …) and listens on a free 127.0.0.1 port. The caller closes it.
 */
export async function startApp(
  module: ModuleClass,
  adapter: AbstractHttpAdapter,
  setup: (app: INestApplication) => void = () => undefined,
): Promise<INestApplication> {
  const app = await NestFactory.create(module, adapter, { logger: false });
  setup(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

/** `correlationAppModule(options)` on a new adapter, listening on a free 127.0.0.1 port. */
export function startCorrelationApp(
  adapter: () => AbstractHttpAdapter,
  options: RfsModuleForRootOptions = {},
  setup?: (app: INestApplication) => void,
): Promise<INestApplication> {
  return startApp(correlationAppModule(options), adapter(), setup);
}

/** An app a describe block shares: started in `beforeAll`, closed in `afterAll`. */
export interface SharedCorrelationApp {
  /** The running app (set once `beforeAll` has run). */
  readonly app: INestApplication;
  /** The port it listens on. */
  readonly port: number;
}

/** Starts the correlation app on `adapter` with `options` for the enclosing describe block. */
export function useCorrelationApp(
  adapter: () => AbstractHttpAdapter,
  options: RfsModuleForRootOptions = {},
  setup?: (app: INestApplication) => void,
): SharedCorrelationApp {
  let app: INestApplication | undefined;
  let port = 0;
  beforeAll(async () => {
    app = await startCorrelationApp(adapter, options, setup);
    port = portOf(app);
  });
  afterAll(() => app?.close());
  return {
    get app() {
      if (!app)
        throw new Error('useCorrelationApp: the app starts in beforeAll');
      return app;
    },
    get port() {
      if (!app)
        throw new Error('useCorrelationApp: the app starts in beforeAll');
      return port;
    },
  };
}
