// How RfsModule sets correlation up: imported twice (refused, or one shared instance), its
// middleware applied again by the user, and correlation or its response header switched off.
import {
  Module,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  CorrelationMiddleware,
  CorrelationRejections,
  RfsModule,
} from 'nestjs-rfs';
import { ThingsController } from './support/correlation-app.controllers';
import {
  call,
  correlationAppModule,
  headerOf,
  portOf,
  rawCall,
  startApp,
  startCorrelationApp,
} from './support/correlation-app.fixtures';
import { HTTP_ADAPTERS } from './support/http-adapters';

describe.each(HTTP_ADAPTERS)(
  'configuring RfsModule twice (%s)',
  (_name, adapter) => {
    it('fails startup with a clear error when forRoot is imported twice', async () => {
      @Module({
        imports: [RfsModule.forRoot({ isGlobal: false, logging: false })],
      })
      class FeatureModule {}
      @Module({
        imports: [RfsModule.forRoot({ logging: false }), FeatureModule],
      })
      class TwiceModule {}
      await expect(
        NestFactory.create(TwiceModule, adapter(), {
          logger: false,
          abortOnError: false,
        }),
      ).rejects.toThrow(
        /RfsModule is configured 2 times in this application \(imported by .*FeatureModule.*\).*once, in the root module/,
      );
    });

    it('starts when the same forRoot() result is imported twice (one instance)', async () => {
      const rfs = RfsModule.forRoot({ logging: false });
      @Module({ imports: [rfs] })
      class FeatureModule {}
      @Module({
        imports: [rfs, FeatureModule],
        controllers: [ThingsController],
      })
      class SharedModule {}
      const app = await startApp(SharedModule, adapter());
      try {
        const port = portOf(app);
        const before = CorrelationRejections.count();
        const raw = await rawCall(
          port,
          ['X-Correlation-Id: bad value'],
          '/things',
        );
        expect(CorrelationRejections.count()).toBe(before + 1);
        const [id] = headerOf(raw, 'x-correlation-id');
        expect(raw).toContain(`{"id":"${id}"}`);
      } finally {
        await app.close();
      }
    });

    it('runs the middleware once per request when the user applies it again', async () => {
      @Module({ imports: [correlationAppModule()] })
      class AgainModule implements NestModule {
        configure(consumer: MiddlewareConsumer): void {
          consumer.apply(CorrelationMiddleware).forRoutes('*');
        }
      }
      const app = await startApp(AgainModule, adapter());
      try {
        const port = portOf(app);
        const before = CorrelationRejections.count();
        const raw = await rawCall(port, ['X-Correlation-Id: bad value']);
        expect(CorrelationRejections.count()).toBe(before + 1);
        const [id] = headerOf(raw, 'x-correlation-id');
        expect(raw).toContain(`"id":"${id}"`);
      } finally {
        await app.close();
      }
    });
  },
);

describe.each(HTTP_ADAPTERS)(
  'switching correlation off (%s)',
  (_name, adapter) => {
    it('applies no middleware with correlation: false', async () => {
      const app = await startCorrelationApp(adapter, { correlation: false });
      try {
        const port = portOf(app);
        const r = await call(port, '/items/store', {
          'x-correlation-id': 'off',
        });
        expect(r.headers['x-correlation-id']).toBeUndefined();
        expect(JSON.parse(r.body)).toEqual({});
      } finally {
        await app.close();
      }
    });

    it('keeps the context but sends no header with responseHeader: false', async () => {
      const app = await startCorrelationApp(adapter, {
        correlation: { responseHeader: false },
      });
      try {
        const port = portOf(app);
        const r = await call(port, '/items/store', {
          'x-correlation-id': 'quiet',
        });
        expect(r.headers['x-correlation-id']).toBeUndefined();
        expect(JSON.parse(r.body)).toEqual({ id: 'quiet' });
      } finally {
        await app.close();
      }
    });
  },
);
