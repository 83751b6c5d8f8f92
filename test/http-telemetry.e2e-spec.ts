// Result → HTTP: one timing per request (one log line, one count) with operation, route, status and outcome.

import { recordedOutcomes } from 'nestjs-rfs/testing';
import { TEST_ID, describeResultApps } from './support/http-results.context';
import 'nestjs-rfs/testing/jest';

describeResultApps((app) => {
  const get = app.get;

  describe('telemetry: one timing per request (one log line, one count)', () => {
    const settle = (): Promise<void> =>
      new Promise((resolve) => setImmediate(resolve));

    it('carries the operation, route template, status, outcome and correlation id', async () => {
      const before = await recordedOutcomes(app.ctx.metrics, 'items.get');
      app.ctx.capture.clear();
      await get('/r/items/404', { headers: { 'x-correlation-id': 'ev-1' } });
      await get('/r/ok');
      await settle();
      const lines = app.ctx.capture.entries();
      expect(lines).toMatchObject([
        {
          operation: 'items.get',
          outcome: 'err',
          correlationId: 'ev-1',
          http: { method: 'GET', route: '/r/items/:id', status: 404 },
          error: { type: 'RfsError', code: 'NOT_FOUND' },
        },
        {
          operation: 'ResultController.ok',
          outcome: 'ok',
          correlationId: expect.stringMatching(TEST_ID),
          http: { route: '/r/ok', status: 200 },
        },
      ]);
      expect(lines[1].durationMs).toBeGreaterThanOrEqual(0);
      await expect(
        recordedOutcomes(app.ctx.metrics, 'items.get'),
      ).resolves.toEqual({ ...before, err: before.err + 1 });
    });

    it('a thrown unknown error is a defect; a thrown HttpException an err', async () => {
      const before = await recordedOutcomes(
        app.ctx.metrics,
        'ThrowController.defect',
      );
      app.ctx.capture.clear();
      await get('/t/defect');
      await get('/t/http');
      await settle();
      expect(
        app.ctx.capture.entries().map((e) => [e.outcome, e.http?.status]),
      ).toEqual([
        ['defect', 500],
        ['err', 404],
      ]);
      // the defect's stack is logged on the server side only
      expect(
        app.ctx.capture.entries({ outcome: 'defect' })[0].error?.stack,
      ).toMatch(/Error: secret internal state\n\s+at /);
      await expect(
        recordedOutcomes(app.ctx.metrics, 'ThrowController.defect'),
      ).resolves.toEqual({ ...before, defect: before.defect + 1 });
    });

    it('a batch reports item counts', async () => {
      app.ctx.capture.clear();
      await get('/f/partial');
      await settle();
      expect(app.ctx.capture.entries()).toMatchObject([
        {
          operation: 'FluxController.partial',
          outcome: 'err',
          flux: { ok: 2, err: 2 },
          http: { status: 207 },
        },
      ]);
    });

    it('an NDJSON stream reports when it ends', async () => {
      app.ctx.capture.clear();
      await (await get('/f/ndjson')).text();
      await settle();
      expect(app.ctx.capture.entries()).toMatchObject([
        { operation: 'FluxController.ndjson', flux: { ok: 2, err: 1 } },
      ]);
    });
  });
});
