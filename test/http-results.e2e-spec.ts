// Result → HTTP: what each return kind answers (Ok, Promise, MonoResult, plain) and Err → problem+json, on both adapters and both pipelines.

import { ERROR_CODE_STATUS, ErrorCode } from 'nestjs-rfs';
import {
  TEST_ID,
  describeResultApps,
  json,
  expectProblem,
} from './support/http-results.context';
import { slowMono } from './support/http-results.controllers';
import 'nestjs-rfs/testing/jest';

describeResultApps((app) => {
  const get = app.get;

  describe('return kinds', () => {
    it('Ok → 200 with the value as body and a Server-Timing header', async () => {
      const res = await get('/r/ok');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ a: 1 });
      expect(res.headers.get('server-timing')).toMatch(/^app;dur=\d+(\.\d+)?$/);
    });

    it('Promise<Result> Ok and Err', async () => {
      const a = await get('/r/promise');
      expect(a.status).toBe(200);
      expect(await a.text()).toBe('later');
      const b = await get('/r/promise-err');
      expect(b.status).toBe(409);
      expectProblem(b);
      expect((await json(b)).code).toBe('CONFLICT');
    });

    it('MonoResult Ok and Err', async () => {
      const a = await get('/r/mono');
      expect(a.status).toBe(200);
      expect(await a.json()).toBe(42);
      const b = await get('/r/mono-err');
      expect(b.status).toBe(504);
      expect((await json(b)).code).toBe('TIMEOUT_ERROR');
    });

    it.each(['/r/mono-slow', '/r/mono-signal'])(
      '%s: the MonoResult is aborted when the client disconnects',
      async (path) => {
        const started = new Promise<void>((r) => (slowMono.started = r));
        const aborted = new Promise<unknown>((r) => (slowMono.aborted = r));
        app.ctx.capture.clear();
        const client = new AbortController();
        const req = get(path, { signal: client.signal }).catch(
          (e: unknown) => e,
        );
        await started;
        client.abort();
        expect(await req).toMatchObject({ name: 'AbortError' });
        const reason = await aborted;
        expect((reason as Error).name).toBe('AbortError');
        await new Promise((r) => setImmediate(r));
        // exactly one Result log line for the request: an err with the client-closed status
        expect(app.ctx.capture.entries()).toMatchObject([
          {
            operation:
              path === '/r/mono-slow'
                ? 'ResultController.monoSlow'
                : 'ResultController.monoSignal',
            outcome: 'err',
            correlationId: expect.stringMatching(TEST_ID),
            http: { status: 499 },
          },
        ]);
      },
    );

    it('a plain value passes through untouched', async () => {
      const res = await get('/r/plain');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ plain: true });
    });

    it("Ok keeps the route's status: 201 for POST, @HttpCode otherwise", async () => {
      const a = await get('/r/created', { method: 'POST' });
      expect(a.status).toBe(201);
      expect(await a.json()).toEqual({ id: 7 });
      const b = await get('/r/accepted', { method: 'POST' });
      expect(b.status).toBe(202);
      expect(await b.json()).toEqual({ queued: true });
    });
  });

  describe('Err → problem+json', () => {
    it('has the RFC 9457 shape with instance and correlationId', async () => {
      const res = await get('/r/items/404', {
        headers: { 'x-correlation-id': 'corr-404' },
      });
      expect(res.status).toBe(404);
      expectProblem(res);
      expect(await res.json()).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'item 404 not found',
        instance: '/r/items/404',
        code: 'NOT_FOUND',
        correlationId: 'corr-404',
        details: { resource: 'item', id: '404' },
      });
    });

    it.each(Object.values(ErrorCode))(
      'code %s → its table status',
      async (code) => {
        const res = await get(`/r/code/${code}`);
        expect(res.status).toBe(ERROR_CODE_STATUS[code]);
        expectProblem(res);
        const body = await json(res);
        expect(body.code).toBe(code);
        expect(body.status).toBe(ERROR_CODE_STATUS[code]);
        expect(body.correlationId).toMatch(TEST_ID);
        expect(res.headers.get('x-correlation-id')).toBe(body.correlationId);
      },
    );

    it('status order: explicit, options by code, options by class, decorator, mapper, 500', async () => {
      expect((await get('/r/explicit')).status).toBe(410);
      expect((await get('/r/code/PAYMENT_REQUIRED')).status).toBe(402);
      expect((await get('/r/code/SOMETHING_ELSE')).status).toBe(500);
      expect((await get('/r/by-class')).status).toBe(429);
      const decorated = await get('/r/decorated');
      expect(decorated.status).toBe(409);
      expect((await json(decorated)).detail).toBe('seat 12A is taken');
      expect((await get('/r/mapper')).status).toBe(418);
      expect((await get('/r/plain-error')).status).toBe(500);
    });

    it('validation errors carry field errors', async () => {
      const res = await get('/r/validation');
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.errors).toEqual([{ field: 'name', message: 'is required' }]);
      expect(body.details).toBeUndefined();
    });

    it('outside production a 5xx keeps its detail', async () => {
      const body = await json(await get('/r/db'));
      expect(body.status).toBe(500);
      expect(body.detail).toContain('constraint orders_pk violated');
    });

    it('details that JSON cannot encode (BigInt, cycles) are made safe', async () => {
      const res = await get('/r/bigint-details');
      expect(res.status).toBe(409);
      expect((await json(res)).details).toEqual({
        big: '10',
        self: '[Circular]',
      });
    });
  });
});
