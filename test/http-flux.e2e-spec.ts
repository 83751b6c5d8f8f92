// Result → HTTP: FluxResult responses (batch envelope, NDJSON, SSE) and pagination.

import {
  describeResultApps,
  json,
  expectProblem,
} from './support/http-results.context';
import 'nestjs-rfs/testing/jest';

describeResultApps((app) => {
  const get = app.get;

  describe('FluxResult batch', () => {
    it('all Ok → 200, success: true and X-Batch headers', async () => {
      const res = await get('/f/all-ok');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-batch-total')).toBe('3');
      expect(res.headers.get('x-batch-success')).toBe('3');
      expect(res.headers.get('x-batch-failed')).toBe('0');
      const body = await json(res);
      expect(body).toMatchObject({
        success: true,
        summary: { total: 3, successful: 3, failed: 0, successRate: 1 },
        results: [1, 2, 3],
      });
      expect(body.errors).toBeUndefined();
      expect(
        (body.summary as { processingTimeMs: number }).processingTimeMs,
      ).toBeGreaterThanOrEqual(0);
    });

    it('an empty batch is 200 with success: true', async () => {
      const res = await get('/f/empty');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        success: true,
        summary: { total: 0, successful: 0, failed: 0, successRate: 1 },
        results: [],
      });
    });

    it('some failed → 207 with indexed problem errors', async () => {
      const res = await get('/f/partial');
      expect(res.status).toBe(207);
      expect(res.headers.get('x-batch-failed')).toBe('2');
      const body = await json(res);
      expect(body).toMatchObject({
        success: false,
        summary: { total: 4, successful: 2, failed: 2, successRate: 0.5 },
        results: [1, 3],
        errors: [
          { index: 1, status: 404, code: 'NOT_FOUND' },
          { index: 3, status: 409, code: 'CONFLICT' },
        ],
      });
    });

    it('all failed → the status of the first error', async () => {
      const res = await get('/f/all-err');
      expect(res.status).toBe(404);
      expect((await json(res)).success).toBe(false);
    });

    it('partialSuccess: false → the first error status', async () => {
      expect((await get('/f/strict')).status).toBe(429);
    });

    it('maxErrors caps errors, counts stay exact; includeErrors: false drops them', async () => {
      const capped = await json(await get('/f/capped'));
      expect(capped.errors).toHaveLength(1);
      expect(capped.summary).toMatchObject({ failed: 2 });
      const none = await json(await get('/f/no-errors'));
      expect(none.errors).toBeUndefined();
      expect(none.summary).toMatchObject({ failed: 1 });
    });

    it('a defect in the stream is a 500 problem', async () => {
      const res = await get('/f/defect');
      expect(res.status).toBe(500);
      expectProblem(res);
    });
  });

  describe('NDJSON', () => {
    it('@FluxResponse({ mode: "ndjson" }) streams one line per item', async () => {
      const res = await get('/f/ndjson');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const lines = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toEqual([
        { ok: true, value: 1 },
        {
          ok: false,
          error: expect.objectContaining({
            status: 404,
            code: 'NOT_FOUND',
            instance: '/f/ndjson',
            correlationId: res.headers.get('x-correlation-id'),
          }),
        },
        { ok: true, value: 3 },
      ]);
      expect(res.headers.get('x-correlation-id')).toMatch(/^test-cid-\d+$/);
    });

    it('Accept: application/x-ndjson chooses NDJSON on a batch route', async () => {
      const res = await get('/f/partial', {
        headers: { accept: 'application/x-ndjson' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect((await res.text()).trim().split('\n')).toHaveLength(4);
    });

    it('a defect ends the stream with a generic problem line', async () => {
      const text = await (await get('/f/ndjson-defect')).text();
      expect(text).not.toContain('secret');
      expect(JSON.parse(text.trim())).toEqual({
        ok: false,
        error: expect.objectContaining({ status: 500 }),
      });
    });
  });

  it('SSE: a FluxResult from an @Sse route streams events, Errs as error events', async () => {
    const res = await get('/f/sse');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const blocks = text.trim().split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toContain('data: {"n":1}');
    expect(blocks[1]).toContain('event: error');
    const data = /data: (.*)/.exec(blocks[1])![1];
    expect(JSON.parse(data)).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect(blocks[2]).toContain('data: {"n":3}');
  });

  it('SSE: toSse(flux) gives MessageEvents with error events for Errs', async () => {
    const text = await (await get('/f/sse-explicit')).text();
    const blocks = text.trim().split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain('data: a');
    expect(blocks[1]).toContain('event: error');
    expect(JSON.parse(/data: (.*)/.exec(blocks[1])![1])).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
    });
  });

  describe('pagination', () => {
    it('defaults and a page', async () => {
      const a = await json(await get('/p'));
      expect(a).toMatchObject({
        page: 1,
        size: 10,
        total: 45,
        pages: 5,
        hasNext: true,
      });
      expect(a.items).toHaveLength(10);
      const b = await json(await get('/p?page=3&size=20'));
      expect(b).toMatchObject({
        page: 3,
        size: 20,
        pages: 3,
        hasNext: false,
      });
      expect(b.items).toHaveLength(5);
    });

    it.each([
      ['page=0', ['page']],
      ['page=abc', ['page']],
      ['size=21', ['size']],
      ['size=-1&page=1.5', ['page', 'size']],
      ['page=1&page=2', ['page']],
    ])('?%s → 400 with field errors', async (query, fields) => {
      const res = await get(`/p?${query}`);
      expect(res.status).toBe(400);
      expectProblem(res);
      const body = await json(res);
      expect(body.code).toBe('VALIDATION_ERROR');
      expect(body.errors?.map((e) => e.field).sort()).toEqual(fields);
    });
  });
});
