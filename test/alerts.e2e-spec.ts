import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import {
  AlertCondition,
  ResultAlertService,
  RfsModule,
  getRfsAlertNotifiersToken,
  getRfsClockToken,
} from 'nestjs-rfs';
import { RecordingAlertNotifier, RfsTestClock } from 'nestjs-rfs/testing';
import { HTTP_PLATFORMS, httpAdapter } from './support/http-adapters';
import { OrdersController } from './support/orders.controller';
import { listenLocally } from './support/local-app';

const rule = {
  name: 'api_errors',
  operation: 'orders.*',
  metric: 'errorRate' as const,
  condition: AlertCondition.GREATER_THAN,
  threshold: 0.2,
  window: '1m' as const,
  for: '30s',
  minSamples: 10,
  severity: 'critical' as const,
  annotations: { summary: '{{operation}} fails {{value}} of calls' },
};

const tick = () => new Promise((r) => setImmediate(r));

describe.each(HTTP_PLATFORMS)('alerts in a real app on %s', (adapter) => {
  let app: INestApplication;
  let base: string;
  const clock = new RfsTestClock(Date.UTC(2026, 0, 1, 12));
  const recorder = new RecordingAlertNotifier('recorder');

  beforeAll(async () => {
    register.clear();
    const moduleRef = await Test.createTestingModule({
      imports: [
        RfsModule.forRoot({
          serviceName: 'shop',
          logging: false,
          alerts: {
            defaultRules: false,
            evaluationInterval: '1h', // evaluated by the test, on the test clock
            instance: 'shop-1',
            dashboardUrl: 'http://shop.local/rfs/dashboard',
            rules: [rule],
          },
        }),
        PrometheusModule.register({ defaultMetrics: { enabled: false } }),
      ],
      controllers: [OrdersController],
      providers: [
        { provide: getRfsAlertNotifiersToken(), useValue: [recorder] },
      ],
    })
      .overrideProvider(getRfsClockToken())
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication(httpAdapter(adapter), {
      logger: false,
    });
    base = await listenLocally(app);
  });
  afterAll(() => app.close());

  it('fires after `for` on failing requests, links their correlation ids, notifies, exports the gauge, resolves', async () => {
    const alerts = app.get(ResultAlertService);
    expect(alerts.getNotifiers().map((n) => n.name)).toEqual(['recorder']);
    for (let i = 0; i < 20; i++) {
      const failing = i % 10 < 3;
      const r = await fetch(`${base}/orders/${failing ? 'missing-' : ''}${i}`, {
        headers: { 'x-correlation-id': `req-${i}` },
      });
      expect(r.status).toBe(failing ? 404 : 200);
    }
    expect(alerts.evaluate()).toEqual([]);
    expect(alerts.getPendingAlerts()).toEqual([
      expect.objectContaining({
        rule: 'api_errors',
        operation: 'orders.get',
      }),
    ]);

    clock.advance(30_000);
    const [firing] = alerts.evaluate();
    expect(firing).toMatchObject({
      status: 'firing',
      rule: 'api_errors',
      operation: 'orders.get',
      value: 0.3,
      service: 'shop',
      instance: 'shop-1',
      generatorURL: 'http://shop.local/rfs/dashboard',
      annotations: { summary: 'orders.get fails 0.3 of calls' },
    });
    // The last failing requests, newest first (alerts.sampleCorrelationIds = 5).
    expect(firing.sampleCorrelationIds).toEqual([
      'req-12',
      'req-11',
      'req-10',
      'req-2',
      'req-1',
    ]);

    await tick();
    expect(recorder.events().map((e) => e.status)).toEqual(['firing']);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(
      'rfs_alerts_firing{rule="api_errors",severity="critical"} 1',
    );
    expect(metrics).toContain(
      'rfs_alert_notifications_failed_total{notifier="recorder"} 0',
    );

    clock.advance(120_000); // the 1m window is empty again
    expect(alerts.evaluate()).toEqual([
      expect.objectContaining({ status: 'resolved' }),
    ]);
    await tick();
    expect(recorder.events().map((e) => e.status)).toEqual([
      'firing',
      'resolved',
    ]);
    expect(alerts.getActiveAlerts()).toEqual([]);
  });
});

describe('alerts options at startup', () => {
  it('an invalid rule stops startup with an error naming the rule and the field', async () => {
    @Module({
      imports: [
        RfsModule.forRoot({
          logging: false,
          alerts: { rules: [{ ...rule, metric: 'latency' as never }] },
        }),
      ],
    })
    class BadModule {}
    await expect(
      NestFactory.createApplicationContext(BadModule, {
        logger: false,
        abortOnError: false,
      }),
    ).rejects.toThrow(
      /Invalid alert rule 'api_errors' \(alerts.rules\[0\]\): metric must be one of 'errorRate'/,
    );
  });

  it('alerts: false evaluates and notifies nothing', async () => {
    register.clear();
    @Module({ imports: [RfsModule.forRoot({ logging: false, alerts: false })] })
    class OffModule {}
    const ctx = await NestFactory.createApplicationContext(OffModule, {
      logger: false,
    });
    try {
      const alerts = ctx.get(ResultAlertService);
      expect(alerts.getRules()).toEqual([]);
      expect(alerts.evaluate()).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
