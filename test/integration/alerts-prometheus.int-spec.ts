import { type INestApplication, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'prom-client';
import {
  AlertCondition,
  type AlertNotifier,
  ResultAlertService,
  RfsModule,
  toPrometheusRules,
} from 'nestjs-rfs';
import {
  describeWithBinaries,
  listedAlerts,
  promtool,
  type RunningServer,
  startAlertmanager,
  startPrometheus,
  tempDir,
  waitFor,
} from './alerts-servers';
import { OrdersController } from '../support/orders.controller';
import { startLocalApp } from '../support/local-app';

const none: AlertNotifier = { name: 'none', notify: async () => undefined };

describeWithBinaries(
  ['prometheus', 'prometheus-alertmanager', 'promtool'],
  'RfsModule scraped by real Prometheus with the exported rules → Alertmanager',
  () => {
    const tmp = tempDir('rfs-prom-');
    let app: INestApplication | undefined;
    let am: RunningServer | undefined;
    let prom: RunningServer | undefined;
    let traffic: { stop(): Promise<void> } | undefined;

    afterAll(async () => {
      await traffic?.stop();
      await prom?.stop();
      await am?.stop();
      await app?.close();
      tmp.cleanup();
    });

    /** Sends requests back to back; `failing()` decides the share of failing ones. */
    function drive(base: string, failing: () => number) {
      let running = true;
      let n = 0;
      const loop = (async () => {
        while (running) {
          const fail = (n++ % 10) / 10 < failing();
          await fetch(`${base}/orders/${fail ? 'missing-' : ''}${n}`)
            .then((r) => r.arrayBuffer())
            .catch(() => undefined);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      return {
        stop: async () => {
          running = false;
          await loop;
        },
      };
    }

    it('fires in Alertmanager within 30 s of failing traffic and resolves after it stops; /metrics passes promtool', async () => {
      register.clear();
      @Module({
        imports: [
          RfsModule.forRoot({
            serviceName: 'shop',
            logging: false,
            alerts: {
              defaultRules: false,
              evaluationInterval: '1s',
              notifiers: [none],
              rules: [
                {
                  name: 'orders_error_rate',
                  operation: 'orders.*',
                  metric: 'errorRate',
                  condition: AlertCondition.GREATER_THAN,
                  threshold: 0.2,
                  window: '1m',
                  for: '2s',
                  minSamples: 5,
                  severity: 'critical',
                  labels: { team: 'orders' },
                  annotations: {
                    summary: '{{operation}} fails {{value}} of calls',
                  },
                },
              ],
            },
          }),
          PrometheusModule.register({ defaultMetrics: { enabled: false } }),
        ],
        controllers: [OrdersController],
      })
      class AppModule {}
      const local = await startLocalApp(AppModule);
      app = local.app;
      const base = local.base;
      const alerts = app.get(ResultAlertService);

      // The rules Prometheus evaluates are exported from the app's own resolved rules.
      const rules = toPrometheusRules(alerts.getRules(), {
        groupName: 'shop',
        interval: '1s',
      });
      writeFileSync(join(tmp.dir, 'rules.yml'), rules);
      const checked = promtool(['check', 'rules', join(tmp.dir, 'rules.yml')]);
      expect(checked.output).toContain('SUCCESS');

      am = await startAlertmanager(
        tmp.dir,
        `route:
  receiver: none
  group_wait: 1s
receivers:
  - name: none
`,
      );
      prom = await startPrometheus(
        tmp.dir,
        `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${am.port}']
scrape_configs:
  - job_name: shop
    static_configs:
      - targets: ['${new URL(base).host}']
`,
      );

      let failShare = 0.3;
      const started = Date.now();
      traffic = drive(base, () => failShare);

      const listed = await waitFor(
        'orders_error_rate listed by Alertmanager',
        async () => {
          const r = await listedAlerts(am!);
          return r.find((a) => a.labels.alertname === 'orders_error_rate');
        },
        30_000,
      );
      const firedAfterMs = Date.now() - started;
      expect(firedAfterMs).toBeLessThan(30_000);
      expect(listed.labels).toMatchObject({
        alertname: 'orders_error_rate',
        operation: 'orders.get',
        severity: 'critical',
        team: 'orders',
      });
      expect(listed.labels.job).toBeUndefined(); // aggregated by operation across instances
      expect(listed.annotations.summary).toMatch(
        /^orders\.get fails 0\.\d+ of calls$/,
      );
      // The in-process evaluator of the same app agrees.
      expect(alerts.getActiveAlerts().map((a) => a.rule)).toContain(
        'orders_error_rate',
      );

      // /metrics is valid exposition format, lint-clean.
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain(
        'rfs_alerts_firing{rule="orders_error_rate",severity="critical"} 1',
      );
      const lint = promtool(['check', 'metrics'], metrics);
      if (lint.code !== 0)
        throw new Error(
          `promtool check metrics (rc ${lint.code}):\n${lint.output}`,
        );

      // Failures stop; successes dilute the 1m window below the threshold.
      failShare = 0;
      const resolvedAt = Date.now();
      await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          fetch(`${base}/orders/ok-${i}`).then((r) => r.arrayBuffer()),
        ),
      );
      await waitFor(
        'orders_error_rate gone from Alertmanager',
        async () => {
          const r = await listedAlerts(am!);
          return r.some((a) => a.labels.alertname === 'orders_error_rate')
            ? undefined
            : true;
        },
        30_000,
      );
      console.log(
        `[alerts-prometheus] fired in Alertmanager ${firedAfterMs} ms after failing traffic started; resolved ${Date.now() - resolvedAt} ms after failures stopped`,
      );
    });
  },
);
