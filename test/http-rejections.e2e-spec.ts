// HTTP RED series of requests Nest rejects before the route handler (guards, pipes), on both
// pipelines and both adapters: each response counted once, next to the handlers' own requests.
// Also a user's ResultExceptionFilter subclass with its own constructor (calls `super()` bare).
import { type ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Counter } from 'prom-client';
import { ResultExceptionFilter } from 'nestjs-rfs';
import { HTTP_ADAPTERS } from './support/http-adapters';
import {
  type RejectionsApp,
  seriesByRequest,
  startRejectionsApp,
} from './support/http-rejections.fixtures';

type Pipeline = 'handler' | 'interceptor';
const PIPELINES: Pipeline[] = ['handler', 'interceptor'];
const REQUESTS = 'rfs_http_requests_total';
const DURATION = 'rfs_http_request_duration_seconds';
const DURATION_COUNT = `${DURATION}_count`;

/** Sends `times` requests and checks each one's status. */
async function send(
  base: string,
  path: string,
  status: number,
  times: number,
  init?: RequestInit,
): Promise<Response[]> {
  const out: Response[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(`${base}${path}`, init);
    await res.arrayBuffer();
    expect([path, res.status]).toEqual([path, status]);
    out.push(res);
  }
  return out;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The traffic of every test: rejections, handler Oks and Errs, untracked and unmatched. */
async function traffic(base: string): Promise<void> {
  await send(base, '/api/shop/admin', 403, 3);
  await send(base, '/api/shop/me', 401, 2);
  await send(base, '/api/shop/me', 200, 1, { headers: { 'x-token': 'ok' } });
  await send(base, '/api/shop/items/abc', 400, 2);
  await send(base, '/api/shop/items/7', 200, 1);
  await send(base, '/api/shop/orders', 400, 2, json({ quantity: 'x' }));
  await send(base, '/api/shop/orders', 201, 1, json({ quantity: 2 }));
  await send(base, '/api/shop/ok', 200, 2);
  await send(base, '/api/shop/missing', 404, 2);
  await send(base, '/api/internal/health', 403, 2);
  await send(base, '/api/nope', 404, 1);
  await send(base, '/nope', 404, 1);
}

/** Requests the route handlers answered (each one an operation with its duration). */
const HANDLED = {
  'GET /api/shop/me 200': 1,
  'GET /api/shop/items/:id 200': 1,
  'POST /api/shop/orders 201': 1,
  'GET /api/shop/ok 200': 2,
  'GET /api/shop/missing 404': 2,
};
/** Pipe failures (an `err` operation on the interceptor pipeline, a rejection on the handler's). */
const PIPE_FAILURES = {
  'GET /api/shop/items/:id 400': 2,
  'POST /api/shop/orders 400': 2,
};
/** Guard rejections (never an operation). */
const GUARD_REJECTIONS = {
  'GET /api/shop/admin 403': 3,
  'GET /api/shop/me 401': 2,
};

describe.each(HTTP_ADAPTERS)(
  'HTTP RED series of rejections on %s',
  (name, makeAdapter) => {
    describe.each(PIPELINES)('%s pipeline', (pipeline) => {
      let t: RejectionsApp;
      beforeAll(async () => {
        t = await startRejectionsApp(makeAdapter(), { http: { pipeline } });
      });
      afterAll(() => t.app.close());

      it('counts every guard and pipe rejection once, by route template and status, next to the handlers', async () => {
        await traffic(t.base);
        // exact sets: no untracked route, no unmatched 404, no raw URL, nothing twice
        expect(await seriesByRequest(t.registry, REQUESTS)).toEqual({
          ...HANDLED,
          ...PIPE_FAILURES,
          ...GUARD_REJECTIONS,
        });
        // durations: every operation, and every rejection (Fastify's timing of the request,
        // on Express the time since the correlation context was entered)
        expect(
          await seriesByRequest(t.registry, DURATION, DURATION_COUNT),
        ).toEqual({ ...HANDLED, ...PIPE_FAILURES, ...GUARD_REJECTIONS });
        const sums = await seriesByRequest(
          t.registry,
          DURATION,
          `${DURATION}_sum`,
        );
        expect(sums['GET /api/shop/admin 403']).toBeGreaterThan(0);
        // a second round adds exactly as much again
        await traffic(t.base);
        const twice = Object.fromEntries(
          Object.entries({
            ...HANDLED,
            ...PIPE_FAILURES,
            ...GUARD_REJECTIONS,
          }).map(([k, v]) => [k, v * 2]),
        );
        expect(await seriesByRequest(t.registry, REQUESTS)).toEqual(twice);
      });
    });
  },
);

describe.each(HTTP_ADAPTERS)(
  'HTTP RED rejections without correlation on %s',
  (_name, makeAdapter) => {
    it.each(PIPELINES)(
      '%s pipeline: answers as usual; the handler pipeline cannot tell a rejection without the request context',
      async (pipeline) => {
        const t = await startRejectionsApp(makeAdapter(), {
          correlation: false,
          http: { pipeline },
        });
        try {
          const [denied] = await send(t.base, '/api/shop/admin', 403, 2);
          expect(denied.headers.get('content-type')).toMatch(
            /^application\/problem\+json/,
          );
          await send(t.base, '/api/shop/ok', 200, 1);
          await send(t.base, '/api/shop/items/abc', 400, 1);
          expect(await seriesByRequest(t.registry, REQUESTS)).toEqual(
            pipeline === 'interceptor'
              ? {
                  'GET /api/shop/admin 403': 2,
                  'GET /api/shop/ok 200': 1,
                  'GET /api/shop/items/:id 400': 1,
                }
              : { 'GET /api/shop/ok 200': 1 },
          );
        } finally {
          await t.app.close();
        }
      },
    );
  },
);

describe.each(HTTP_ADAPTERS)(
  'HTTP RED series that throw on %s',
  (_name, makeAdapter) => {
    it.each(PIPELINES)(
      '%s pipeline: the rejection and later requests are answered as without metrics',
      async (pipeline) => {
        const t = await startRejectionsApp(makeAdapter(), {
          http: { pipeline },
        });
        try {
          const counter = t.registry.getSingleMetric(
            REQUESTS,
          ) as Counter<string>;
          let calls = 0;
          const broken = () => {
            calls++;
            throw new Error('metrics backend broken');
          };
          counter.labels = broken;
          counter.inc = broken;
          for (let round = 0; round < 2; round++) {
            const res = await fetch(`${t.base}/api/shop/admin`);
            expect(res.status).toBe(403);
            if (round === 0) expect(calls).toBe(1); // the rejection reached the series
            expect(res.headers.get('content-type')).toMatch(
              /^application\/problem\+json/,
            );
            expect(res.headers.get('x-correlation-id')).toBeTruthy();
            expect(await res.json()).toMatchObject({
              status: 403,
              title: 'Forbidden',
            });
            await send(t.base, '/api/shop/items/abc', 400, 1);
            await send(t.base, '/api/shop/ok', 200, 1);
          }
        } finally {
          await t.app.close();
        }
      },
    );
  },
);

/** A service a user's filter depends on. */
@Injectable()
class ErrorReporter {
  readonly reported: string[] = [];
}

/**
 * A user's subclass with its own dependency: its constructor calls `super()` without the base's
 * parameters (the filter's options, problems, adapter and metrics come as injected properties).
 */
@Catch()
@Injectable()
class ReportingFilter extends ResultExceptionFilter {
  constructor(private readonly reporter: ErrorReporter) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost) {
    this.reporter.reported.push(
      exception instanceof Error ? exception.name : typeof exception,
    );
    return super.catch(exception, host);
  }
}

describe.each(HTTP_ADAPTERS)(
  'a ResultExceptionFilter subclass registered by the user on %s',
  (_name, makeAdapter) => {
    // replacing the filter (`exceptionFilter: false` + APP_FILTER) selects the interceptor pipeline
    it('with a constructor of its own, it renders with the module options and counts rejections', async () => {
      const t = await startRejectionsApp(
        makeAdapter(),
        {
          http: {
            exceptionFilter: false,
            problemTypeBaseUrl: 'https://errors.example.com/',
          },
        },
        [ErrorReporter, { provide: APP_FILTER, useClass: ReportingFilter }],
      );
      try {
        await send(t.base, '/api/shop/admin', 403, 1);
        const denied = await fetch(`${t.base}/api/shop/admin`);
        expect(denied.status).toBe(403);
        expect(denied.headers.get('content-type')).toMatch(
          /^application\/problem\+json/,
        );
        expect(await denied.json()).toMatchObject({
          type: 'https://errors.example.com/forbidden',
          status: 403,
          correlationId: denied.headers.get('x-correlation-id'),
        });
        await send(t.base, '/api/shop/ok', 200, 1);
        expect(t.app.get(ErrorReporter).reported).toEqual([
          'ForbiddenException',
          'ForbiddenException',
        ]);
        expect(await seriesByRequest(t.registry, REQUESTS)).toEqual({
          'GET /api/shop/admin 403': 2,
          'GET /api/shop/ok 200': 1,
        });
      } finally {
        await t.app.close();
      }
    });
  },
);
