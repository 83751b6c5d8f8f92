// Result → HTTP: thrown errors through ResultExceptionFilter, production redaction, and opting out of the interceptor and filter.
import { type ProblemDetails } from 'nestjs-rfs';
import { recordedOutcomes } from 'nestjs-rfs/testing';
import {
  TEST_ID,
  start,
  describeResultApps,
  useResultApp,
  json,
  expectProblem,
  adapterPipelines,
} from './support/http-results.context';
import 'nestjs-rfs/testing/jest';

describeResultApps((app) => {
  const get = app.get;

  describe('thrown errors (ResultExceptionFilter)', () => {
    it('HttpException → problem with its status', async () => {
      const res = await get('/t/http', {
        headers: { 'x-correlation-id': 'corr-http' },
      });
      expect(res.status).toBe(404);
      expectProblem(res);
      const body = await json(res);
      expect(body).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
        detail: 'no such page',
        correlationId: 'corr-http',
        instance: '/t/http',
      });
      expect(res.headers.get('server-timing')).toMatch(/^app;dur=/);
    });

    it('thrown RfsError → its status', async () => {
      const res = await get('/t/rfs');
      expect(res.status).toBe(409);
      expect((await json(res)).code).toBe('CONFLICT');
    });

    it('an unknown throw is a generic 500 defect', async () => {
      const res = await get('/t/defect');
      expect(res.status).toBe(500);
      expectProblem(res);
      const text = await res.text();
      expect(text).not.toContain('secret');
      expect(JSON.parse(text)).toMatchObject({
        status: 500,
        code: 'INTERNAL_SERVER_ERROR',
        title: 'Internal Server Error',
      });
    });

    it.each([
      'null',
      'undefined',
      'string',
      'bigint',
      'cyclic',
      'getters',
      'proxy',
      'symbol',
    ])('hostile thrown value (%s) → 500 problem', async (kind) => {
      const res = await get(`/t/hostile/${kind}`);
      expect(res.status).toBe(500);
      expectProblem(res);
      const body = await json(res);
      expect(body.code).toBe('INTERNAL_SERVER_ERROR');
      expect(body.correlationId).toMatch(TEST_ID);
      expect(res.headers.get('x-correlation-id')).toBe(body.correlationId);
      // the server is still up
      expect((await get('/r/ok')).status).toBe(200);
    });

    it('an unknown route is a 404 problem too', async () => {
      const res = await get('/nowhere');
      expect(res.status).toBe(404);
      expectProblem(res);
    });
  });
});

describe.each(adapterPipelines)(
  'production redaction on %s (%s pipeline)',
  (adapter, pipeline) => {
    const app = useResultApp(adapter, {
      environment: 'production',
      http: {
        pipeline,
        problemTypeBaseUrl: 'https://errors.example.com/',
        timingHeader: false,
      },
    });

    it('a 5xx Err has a generic title and no internal message or details', async () => {
      const res = await fetch(`${app.url}/r/db`);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain('orders_pk');
      expect(text).not.toContain('insert');
      const body = JSON.parse(text) as ProblemDetails;
      expect(body).toMatchObject({
        title: 'Internal Server Error',
        code: 'DATABASE_ERROR',
        type: 'https://errors.example.com/database-error',
      });
      expect(body.details).toBeUndefined();
      // the server-side log line keeps what the body hides, under the same id
      expect(app.ctx).toHaveLogged({
        operation: 'ResultController.db',
        outcome: 'err',
        correlationId: res.headers.get('x-correlation-id'),
      });
      const [line] = app.ctx.capture.entries({
        operation: 'ResultController.db',
      });
      expect(line.error).toMatchObject({
        code: 'DATABASE_ERROR',
        message: expect.stringContaining('orders_pk'),
      });
    });

    it('a 4xx keeps its detail', async () => {
      const body = (await (
        await fetch(`${app.url}/r/items/404`)
      ).json()) as ProblemDetails;
      expect(body.detail).toBe('item 404 not found');
      expect(body.details).toEqual({ resource: 'item', id: '404' });
      expect(body.type).toBe('https://errors.example.com/not-found');
    });

    it('http.timingHeader: false leaves Server-Timing out', async () => {
      const res = await fetch(`${app.url}/r/ok`);
      expect(res.status).toBe(200);
      expect(res.headers.get('server-timing')).toBeNull();
    });

    it('a thrown defect stays generic', async () => {
      const text = await (await fetch(`${app.url}/t/defect`)).text();
      expect(text).not.toContain('secret');
    });
  },
);

describe.each(['express', 'fastify'] as const)(
  'opting out on %s',
  (adapter) => {
    it('http.interceptor: false and http.exceptionFilter: false leave Nest defaults', async () => {
      const ctx = await start(adapter, {
        http: { interceptor: false, exceptionFilter: false },
      });
      try {
        const plain = await fetch(`${ctx.url}/t/http`);
        expect(plain.status).toBe(404);
        expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await plain.json()).toMatchObject({ statusCode: 404 });
        expect(plain.headers.get('server-timing')).toBeNull();
        // no interceptor pass: nothing timed, logged or counted
        expect(ctx.capture.entries()).toHaveLength(0);
        await expect(
          recordedOutcomes(ctx.metrics, 'ThrowController.http'),
        ).resolves.toEqual({ ok: 0, err: 0, defect: 0 });
      } finally {
        await ctx.close();
      }
    });
  },
);
