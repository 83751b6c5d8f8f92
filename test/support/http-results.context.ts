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
import { ResultController, ThrowController } from './http-results.controllers';
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
