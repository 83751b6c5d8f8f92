// @LogResultOperation on controller handlers, over Express and Fastify and both HTTP pipelines:
// one line and one metric per operation, names, levels, nested and direct calls; by default
// (rfsPinoHttp's resultLine 'merge') a handler's line is pino-http's "request completed".
// Other app setups (no correlation context, init hooks twice):
// logging-controller-setups.e2e-spec.ts.
import { HTTP_ADAPTERS } from './support/http-adapters';
import {
  ADAPTER_PIPELINES,
  ShopController,
  operationsTotal,
  useShopApp,
} from './support/logging-controller.fixtures';
import type { MemoryLogStream } from './support/memory-log.stream';

/** Waits (bounded) for `n` pino-http lines: they are written when the response finishes. */
async function pinoHttpLines(stream: MemoryLogStream, n: number) {
  const written = () => stream.lines.filter((l) => l.res !== undefined);
  for (let i = 0; i < 500 && written().length < n; i++)
    await new Promise((r) => setTimeout(r, 10));
  return written();
}

describe.each(ADAPTER_PIPELINES)(
  '@LogResultOperation on controller handlers (%s)',
  (_name, makeAdapter, pipeline) => {
    const s = useShopApp(makeAdapter, { http: { pipeline } });

    it('a decorated handler writes one line, with the decorator name and options, and one metric', async () => {
      const res = await fetch(`${s.base}/shop/decorated/a1`);
      expect(res.status).toBe(200);
      const id = res.headers.get('x-correlation-id');
      await pinoHttpLines(s.stream, 1);
      expect(s.stream.lines).toHaveLength(1);
      const lines = s.stream.results();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        msg: 'request completed',
        operation: 'shop.decorated',
        // pino-http's own level: the decorator's `level: 'debug'` only raises a merged line
        level: 30,
        outcome: 'ok',
        correlationId: id,
        args: ['a1'], // handed over by the decorated handler (after pipes)
        result: { sku: 'a1', token: '[Redacted]' }, // includeResult, redacted
        valueType: 'object',
        http: { method: 'GET', route: '/shop/decorated/:sku', status: 200 },
      });
      expect(s.stream.of('ShopController.decorated')).toEqual([]);
      expect(await operationsTotal(s.registry, 'shop.decorated', 'ok')).toBe(1);
      expect(
        await operationsTotal(s.registry, 'ShopController.decorated', 'ok'),
      ).toBe(0);
    });

    it('an Err from a decorated handler is one line at its errLevel and one err metric', async () => {
      const res = await fetch(`${s.base}/shop/decorated/none`);
      expect(res.status).toBe(404);
      await pinoHttpLines(s.stream, 1);
      const lines = s.stream.results();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        operation: 'shop.decorated',
        level: 50,
        outcome: 'err',
        error: { code: 'NOT_FOUND' },
        http: { status: 404 },
      });
      expect(await operationsTotal(s.registry, 'shop.decorated', 'err')).toBe(
        1,
      );
    });

    it('a MonoResult handler and a throwing handler each write one line', async () => {
      expect((await fetch(`${s.base}/shop/mono`)).status).toBe(200);
      expect((await fetch(`${s.base}/shop/boom`)).status).toBe(500);
      await pinoHttpLines(s.stream, 2);
      const lines = s.stream.results();
      expect(lines.map((l) => [l.operation, l.outcome, l.level])).toEqual([
        ['shop.mono', 'ok', 40],
        ['shop.boom', 'defect', 50],
      ]);
      expect(lines[1]).toMatchObject({ http: { status: 500 } });
      expect(await operationsTotal(s.registry, 'shop.mono', 'ok')).toBe(1);
      expect(await operationsTotal(s.registry, 'shop.boom', 'defect')).toBe(1);
    });

    it('a decorated service method under a plain handler: one line each', async () => {
      const res = await fetch(`${s.base}/shop/plain/b2`);
      expect(res.status).toBe(200);
      await pinoHttpLines(s.stream, 1);
      const lines = s.stream.results();
      expect(lines.map((l) => l.operation).sort()).toEqual([
        'ShopController.plain',
        'stock.find',
      ]);
      expect(s.stream.of('stock.find')[0]).toMatchObject({
        outcome: 'ok',
        args: ['b2'],
      });
      expect(s.stream.of('stock.find')[0].http).toBeUndefined();
      expect(s.stream.of('ShopController.plain')[0]).toMatchObject({
        http: { route: '/shop/plain/:sku', status: 200 },
      });
      expect(await operationsTotal(s.registry, 'stock.find', 'ok')).toBe(1);
      expect(
        await operationsTotal(s.registry, 'ShopController.plain', 'ok'),
      ).toBe(1);
    });

    it('a nested call of the decorated handler method logs on its own', async () => {
      const before = await operationsTotal(s.registry, 'shop.tree', 'ok');
      const res = await fetch(`${s.base}/shop/tree/2`);
      expect(await res.json()).toBe(2);
      await pinoHttpLines(s.stream, 1);
      const lines = s.stream.of('shop.tree');
      // the route pass (with http facts) + the two nested method calls
      expect(lines).toHaveLength(3);
      expect(lines.filter((l) => l.http !== undefined)).toHaveLength(1);
      expect(await operationsTotal(s.registry, 'shop.tree', 'ok')).toBe(
        before + 3,
      );
    });

    it('the route name of @RfsOperation wins over the decorator name; its options apply', async () => {
      await fetch(`${s.base}/shop/both`);
      await pinoHttpLines(s.stream, 1);
      const lines = s.stream.results();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        operation: 'shop.route-name',
        level: 40,
      });
      expect(await operationsTotal(s.registry, 'shop.route-name', 'ok')).toBe(
        1,
      );
      expect(await operationsTotal(s.registry, 'shop.log-name', 'ok')).toBe(0);
    });

    it('the decorated handler called outside HTTP logs like any method', async () => {
      const before = await operationsTotal(s.registry, 'shop.decorated', 'ok');
      const r = await s.app.get(ShopController).decorated('c3');
      expect(r.isOk()).toBe(true);
      const lines = s.stream.results();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        operation: 'shop.decorated',
        level: 20,
        args: ['c3'],
        result: { sku: 'c3', token: '[Redacted]' },
      });
      expect(lines[0].http).toBeUndefined();
      expect(await operationsTotal(s.registry, 'shop.decorated', 'ok')).toBe(
        before + 1,
      );
    });
  },
);

describe.each(HTTP_ADAPTERS)(
  "@LogResultOperation on controller handlers with resultLine 'separate' (%s)",
  (_name, makeAdapter) => {
    const s = useShopApp(makeAdapter, {}, { resultLine: 'separate' });

    it('a decorated handler writes its own Result line at the decorator level, next to "request completed"', async () => {
      const res = await fetch(`${s.base}/shop/decorated/a1`);
      const id = res.headers.get('x-correlation-id');
      const completed = await pinoHttpLines(s.stream, 1);
      expect(completed).toMatchObject([
        { msg: 'request completed', level: 30, correlationId: id },
      ]);
      expect(completed[0].operation).toBeUndefined();
      expect(s.stream.results()).toMatchObject([
        {
          msg: 'shop.decorated ok',
          operation: 'shop.decorated',
          level: 20, // the decorator's `level: 'debug'`
          correlationId: id,
          args: ['a1'],
          result: { sku: 'a1', token: '[Redacted]' },
          http: { route: '/shop/decorated/:sku', status: 200 },
        },
      ]);
      expect(s.stream.lines).toHaveLength(2);
    });

    it('an Err is its own line at the errLevel; "request completed" keeps its own level', async () => {
      expect((await fetch(`${s.base}/shop/decorated/none`)).status).toBe(404);
      const completed = await pinoHttpLines(s.stream, 1);
      expect(completed).toMatchObject([
        { level: 30, res: { statusCode: 404 } },
      ]);
      expect(s.stream.results()).toMatchObject([
        { operation: 'shop.decorated', level: 50, outcome: 'err' },
      ]);
    });
  },
);
