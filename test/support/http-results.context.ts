// The app and helpers of the Result → HTTP specs (test/http-*.e2e-spec.ts): every controller,
// served per adapter and per `http.pipeline` by the testing kit's RfsModule.
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

import { type ProblemDetails, type RfsModuleOptionsInput } from 'nestjs-rfs';
import {
  type ResultTestContext,
  TEST_CORRELATION_ID_PREFIX,
  resultTestContext,
} from 'nestjs-rfs/testing';
import {
  ResultController,
  TeapotError,
  ThrowController,
} from './http-results.controllers';
import { FluxController, PageController } from './http-flux.controllers';

export const TEST_ID = new RegExp(`^${TEST_CORRELATION_ID_PREFIX}\\d+$`);

const controllers = [
  ResultController,
  ThrowController,
  FluxController,
  PageController,
];

/**
 * Serves the controllers with the testing kit's RfsModule: the Result log lines of the HTTP pass
 * land in `ctx.capture`, the operations counter in `ctx.metrics` (a registry of its own), and
 * generated correlation ids are `test-cid-N`.
 */
export async function start(
  adapter: 'express' | 'fastify',
  options: RfsModuleOptionsInput,
): Promise<ResultTestContext> {
  return resultTestContext({
    controllers,
    http: adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    // alerts and the dashboard are not under test here
    options: { alerts: false, dashboard: false, ...options },
  });
}

export async function json(
  res: Response,
): Promise<Record<string, unknown> & Partial<ProblemDetails>> {
  return (await res.json()) as Record<string, unknown> &
    Partial<ProblemDetails>;
}

export function expectProblem(res: Response): void {
  expect(res.headers.get('content-type')).toMatch(
    /^application\/problem\+json/,
  );
}

/** Every adapter with every `http.pipeline`: both pipelines must answer alike. */
export const adapterPipelines = (['express', 'fastify'] as const).flatMap(
  (adapter) =>
    (['interceptor', 'handler'] as const).map(
      (pipeline) => [adapter, pipeline] as const,
    ),
);

/** The options most Result → HTTP specs run with: development problems, custom statuses. */
export function developmentOptions(
  pipeline: 'interceptor' | 'handler',
): RfsModuleOptionsInput {
  return {
    environment: 'development',
    http: {
      pipeline,
      errorStatus: { PAYMENT_REQUIRED: 402, QuotaError: 429 },
      errorMapper: (e) => (e instanceof TeapotError ? 418 : undefined),
    },
  };
}

/** An app a describe block shares: started in `beforeAll`, closed in `afterAll`. */
export interface SharedResultApp {
  /** The running app's testing context (set once `beforeAll` has run). */
  readonly ctx: ResultTestContext;
  /** Base URL of the running app. */
  readonly url: string;
  /** `fetch` of a path on the running app. */
  get(path: string, init?: RequestInit): Promise<Response>;
}

/** Starts the controllers on `adapter` with `options` for the enclosing describe block. */
export function useResultApp(
  adapter: 'express' | 'fastify',
  options: RfsModuleOptionsInput,
): SharedResultApp {
  let ctx: ResultTestContext | undefined;
  beforeAll(async () => {
    ctx = await start(adapter, options);
  });
  afterAll(() => ctx?.close());
  const app: SharedResultApp = {
    get ctx() {
      if (!ctx) throw new Error('useResultApp: the app starts in beforeAll');
      return ctx;
    },
    get url() {
      return app.ctx.url!;
    },
    get: (path, init) => fetch(`${app.url}${path}`, init),
  };
  return app;
}

/**
 * `describe.each` over every adapter × pipeline ('Result → HTTP on %s (%s pipeline)'), the block
 * sharing one app started with {@link developmentOptions}.
 */
export function describeResultApps(body: (app: SharedResultApp) => void): void {
  describe.each(adapterPipelines)(
    'Result → HTTP on %s (%s pipeline)',
    (adapter, pipeline) =>
      body(useResultApp(adapter, developmentOptions(pipeline))),
  );
}
