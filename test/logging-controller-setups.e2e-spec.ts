// @LogResultOperation on controller handlers in other app setups: without a correlation
// context, and with init hooks run twice (moduleRef.init() then app.init()).
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { Registry } from 'prom-client';
import { MemoryLogStream } from './support/memory-log.stream';
import { HTTP_ADAPTERS } from './support/http-adapters';
import {
  ADAPTER_PIPELINES,
  operationsTotal,
  shopAppModule,
  useShopApp,
} from './support/logging-controller.fixtures';

describe.each(ADAPTER_PIPELINES)(
  '@LogResultOperation handlers without a correlation context (%s)',
  (_name, makeAdapter, pipeline) => {
    const s = useShopApp(makeAdapter, {
      http: { pipeline },
      correlation: false,
      logging: { logHttpHandlers: false },
    });

    it('still writes one line per decorated handler, and none for plain handlers', async () => {
      expect((await fetch(`${s.base}/shop/decorated/d4`)).status).toBe(200);
      expect((await fetch(`${s.base}/shop/plain/d5`)).status).toBe(200);
      const lines = s.stream.results();
      expect(lines.map((l) => l.operation)).toEqual([
        'shop.decorated',
        'stock.find',
      ]);
      expect(lines[0]).toMatchObject({
        level: 20,
        args: ['d4'],
        http: { status: 200 },
      });
      expect(await operationsTotal(s.registry, 'shop.decorated', 'ok')).toBe(1);
      // metrics still see the plain handler's one event
      expect(
        await operationsTotal(s.registry, 'ShopController.plain', 'ok'),
      ).toBe(1);
    });

    it('nested calls of the handler method log on their own', async () => {
      await fetch(`${s.base}/shop/tree/1`);
      const lines = s.stream.of('shop.tree');
      expect(lines).toHaveLength(2);
      expect(lines.filter((l) => l.http !== undefined)).toHaveLength(1);
    });
  },
);

describe.each(HTTP_ADAPTERS)(
  'init hooks run twice (moduleRef.init() then app.init()) on %s',
  (_name, makeAdapter) => {
    let app: INestApplication;
    const stream = new MemoryLogStream();
    const registry = new Registry();

    beforeAll(async () => {
      __resetOutOfContextForTests();
      const moduleRef = await Test.createTestingModule({
        imports: [shopAppModule(stream, registry, {})],
      }).compile();
      await moduleRef.init();
      app = moduleRef.createNestApplication(makeAdapter(), { logger: false });
      await app.init();
      await app.listen(0, '127.0.0.1');
    });
    afterAll(async () => {
      await app.close();
    });

    it('still writes one line and records one metric per request', async () => {
      const res = await fetch(`${await app.getUrl()}/shop/plain/e6`);
      expect(res.status).toBe(200);
      expect(stream.of('ShopController.plain')).toHaveLength(1);
      expect(stream.of('stock.find')).toHaveLength(1);
      expect(
        await operationsTotal(registry, 'ShopController.plain', 'ok'),
      ).toBe(1);
      expect(await operationsTotal(registry, 'stock.find', 'ok')).toBe(1);
    });
  },
);
