// Shared by test/http-default-interop*.e2e-spec.ts: an app with nestjs-rfs defaults (plus
// nestjs-pino with rfsPinoHttp(), as the README sets it up) on a real adapter, and its client.
import {
  type INestApplication,
  Module,
  type Provider,
  type Type,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import {
  RfsModule,
  type RfsModuleForRootOptions,
  rfsPinoHttp,
} from 'nestjs-rfs';
import { portOf, startApp } from './support/correlation-app.fixtures';
import { type HttpPlatform, httpAdapter } from './support/http-adapters';
import { type LocalReply, localRequest } from './support/local-request';
import { type LogLine, MemoryLogStream } from './support/memory-log.stream';

/** The content type of problem responses. */
export const PROBLEM = /^application\/problem\+json/;

/**
 * Asserts a problem+json answer: `status`, the content type, the id echoed in the header and in
 * the body, and the other body `fields`; returns the body.
 */
export function expectProblem(
  res: LocalReply,
  status: number,
  correlationId: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.headers['x-correlation-id']).toBe(correlationId);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, correlationId, ...fields });
  return body;
}

/** Polls `check` until it holds (pino-http writes its line after the response ends). */
export async function eventually(
  check: () => void,
  deadlineMs = 10_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** An app of the enclosing describe block, with its log lines. */
export interface DefaultApp {
  readonly app: INestApplication;
  /** Every pino line the app wrote. */
  readonly stream: MemoryLogStream;
  /** One request with `x-correlation-id: id` (and a JSON body when given). */
  send(
    path: string,
    id: string,
    method?: string,
    body?: unknown,
  ): Promise<LocalReply>;
  /** The lines written for the request with correlation id `id`. */
  linesOf(id: string): LogLine[];
}

/**
 * Starts, for the enclosing describe block, an app of `controllers` and `providers` with
 * `LoggerModule.forRoot({ pinoHttp: [rfsPinoHttp(), stream] })` and
 * `RfsModule.forRoot({ alerts: false, dashboard: false, ...options })` (defaults otherwise) on
 * `platform`.
 */
export function useDefaultApp(
  platform: HttpPlatform,
  controllers: Type[],
  providers: Provider[] = [],
  options: RfsModuleForRootOptions = {},
): DefaultApp {
  const stream = new MemoryLogStream();
  let app: INestApplication | undefined;
  let port = 0;
  @Module({
    imports: [
      LoggerModule.forRoot({ pinoHttp: [rfsPinoHttp(), stream] }),
      RfsModule.forRoot({ alerts: false, dashboard: false, ...options }),
    ],
    controllers,
    providers,
  })
  class AppModule {}
  beforeAll(async () => {
    __resetOutOfContextForTests();
    app = await startApp(AppModule, httpAdapter(platform));
    port = portOf(app);
  });
  afterAll(() => app?.close());
  return {
    get app() {
      if (!app) throw new Error('useDefaultApp: the app starts in beforeAll');
      return app;
    },
    stream,
    send: (path, id, method = 'GET', body) =>
      localRequest(port, path, {
        method,
        headers: {
          'x-correlation-id': id,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    linesOf: (id) => stream.lines.filter((l) => l.correlationId === id),
  };
}
