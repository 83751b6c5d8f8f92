// The orders sample's HTTP API on Express and Fastify: create and read, paging, batch create
// (FluxResult) and NDJSON/SSE streams. Pay and telemetry: orders-payments.e2e-spec.ts; the
// AppModule as it is: orders-app.e2e-spec.ts.
import { order, useOrdersSample } from './orders.fixtures';

describe.each(['express', 'fastify'] as const)(
  'orders sample on %s',
  (adapter) => {
    const sample = useOrdersSample(adapter);

    describe('create and read', () => {
      it('creates an order (201) and reads it back by id', async () => {
        const created = await sample.call('POST', '/orders', order('A-1'));
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({
          id: 1,
          reference: 'A-1',
          status: 'created',
        });
        const read = await sample.call('GET', '/orders/1');
        expect(read.status).toBe(200);
        expect(read.body).toEqual(created.body);
      });

      it('answers 400 problem+json with one field error per bad field', async () => {
        const res = await sample.call('POST', '/orders', {
          reference: 'x',
          amountCents: -5,
        });
        expect(res.status).toBe(400);
        expect(res.type).toContain('application/problem+json');
        expect(res.body.code).toBe('VALIDATION_ERROR');
        expect(
          res.body.errors.map((e: { field: string }) => e.field).sort(),
        ).toEqual(['amountCents', 'customer', 'reference']);
      });

      it('answers 409 for a duplicate reference (the UNIQUE constraint)', async () => {
        expect(
          (await sample.call('POST', '/orders', order('DUP-1'))).status,
        ).toBe(201);
        const res = await sample.call('POST', '/orders', order('DUP-1'));
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({
          code: 'CONFLICT',
          details: { resource: 'order' },
        });
      });

      it('answers 404 for an unknown id and 400 for a malformed one, with the correlation id', async () => {
        const missing = await sample.call('GET', '/orders/42', undefined, {
          'x-correlation-id': 'trace-42',
        });
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({
          code: 'NOT_FOUND',
          instance: '/orders/42',
          correlationId: 'trace-42',
        });
        const malformed = await sample.call('GET', '/orders/abc');
        expect(malformed.status).toBe(400);
        expect(malformed.body.errors[0].field).toBe('id');
        // The testing module hands out deterministic ids when the client sends none.
        expect(malformed.body.correlationId).toMatch(/^test-cid-\d+$/);
      });
    });

    describe('list with @PageQuery', () => {
      it('pages through the orders and rejects bad paging values', async () => {
        for (let i = 1; i <= 5; i++)
          await sample.call('POST', '/orders', order(`P-${i}`));
        const page2 = await sample.call('GET', '/orders?page=2&size=2');
        expect(page2.status).toBe(200);
        expect(page2.body).toMatchObject({
          page: 2,
          size: 2,
          total: 5,
          pages: 3,
          hasNext: true,
        });
        expect(
          page2.body.items.map((o: { reference: string }) => o.reference),
        ).toEqual(['P-3', 'P-4']);
        const bad = await sample.call('GET', '/orders?page=0&size=500');
        expect(bad.status).toBe(400);
        expect(
          bad.body.errors.map((e: { field: string }) => e.field).sort(),
        ).toEqual(['page', 'size']);
      });
    });

    describe('batch create (FluxResult)', () => {
      it('answers 207 with the summary, the created orders and the failed items', async () => {
        await sample.call('POST', '/orders', order('B-DUP'));
        const res = await sample.call('POST', '/orders/batch', [
          order('B-1'),
          { reference: '?' },
          order('B-DUP'),
          order('B-2'),
        ]);
        expect(res.status).toBe(207);
        expect(res.headers.get('x-batch-total')).toBe('4');
        expect(res.headers.get('x-batch-failed')).toBe('2');
        expect(res.body.summary).toMatchObject({
          total: 4,
          successful: 2,
          failed: 2,
          successRate: 0.5,
        });
        expect(
          res.body.results.map((o: { reference: string }) => o.reference),
        ).toEqual(['B-1', 'B-2']);
        expect(
          res.body.errors.map((e: { index: number; code: string }) => [
            e.index,
            e.code,
          ]),
        ).toEqual([
          [1, 'VALIDATION_ERROR'],
          [2, 'CONFLICT'],
        ]);
      });

      it('answers 200 when every item is created and 400 for a body that is not an array', async () => {
        const all = await sample.call('POST', '/orders/batch', [
          order('C-1'),
          order('C-2'),
        ]);
        expect(all.status).toBe(200);
        expect(all.body.success).toBe(true);
        const notArray = await sample.call(
          'POST',
          '/orders/batch',
          order('C-3'),
        );
        expect(notArray.status).toBe(400);
        expect(notArray.body.errors[0].field).toBe('body');
      });
    });

    describe('streams', () => {
      beforeEach(async () => {
        for (const ref of ['S-1', 'S-2', 'S-3'])
          await sample.call('POST', '/orders', order(ref));
      });

      it('streams every order as NDJSON', async () => {
        const res = await sample.call('GET', '/orders/stream');
        expect(res.status).toBe(200);
        expect(res.type).toContain('application/x-ndjson');
        const lines = res.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { ok: boolean; value: unknown });
        expect(
          lines.map((l) => (l.value as { reference: string }).reference),
        ).toEqual(['S-1', 'S-2', 'S-3']);
      });

      it('streams the asked ids as NDJSON, an unknown id as an Err line', async () => {
        const res = await sample.call('GET', '/orders/stream?ids=2,99');
        const lines = res.text
          .trim()
          .split('\n')
          .map(
            (l) =>
              JSON.parse(l) as {
                ok: boolean;
                value?: { id: number };
                error?: { code: string; status: number };
              },
          );
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatchObject({ ok: true, value: { id: 2 } });
        expect(lines[1]).toMatchObject({
          ok: false,
          error: { code: 'NOT_FOUND', status: 404 },
        });
      });

      it('sends Server-Sent Events, an unknown id as an error event with a problem body', async () => {
        const res = await sample.call('GET', '/orders/events?ids=1,99');
        expect(res.type).toContain('text/event-stream');
        const events = res.text
          .trim()
          .split('\n\n')
          .map((block) => {
            const fields = Object.fromEntries(
              block.split('\n').map((line) => {
                const i = line.indexOf(': ');
                return [line.slice(0, i), line.slice(i + 2)];
              }),
            ) as Record<string, string>;
            return {
              event: fields.event,
              data: JSON.parse(fields.data) as Record<string, unknown>,
            };
          });
        expect(events).toHaveLength(2);
        expect(events[0].event).toBeUndefined();
        expect(events[0].data).toMatchObject({ id: 1, reference: 'S-1' });
        expect(events[1].event).toBe('error');
        expect(events[1].data).toMatchObject({
          status: 404,
          code: 'NOT_FOUND',
        });
      });
    });
  },
);
