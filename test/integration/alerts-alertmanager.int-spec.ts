import { Registry } from 'prom-client';
import {
  AlertCondition,
  AlertmanagerNotifier,
  type RfsClock,
  ResultAlertService,
} from 'nestjs-rfs';
import { FakeAlertMetricsSource } from '../alerts.fake-source';
import {
  describeWithBinaries,
  listedAlerts,
  type RunningServer,
  startAlertmanager,
  tempDir,
  waitFor,
} from './alerts-servers';
import { startReceiver } from '../support/http-receiver';

interface Webhook {
  status: 'firing' | 'resolved';
  alerts: { status: string; labels: Record<string, string> }[];
  groupLabels: Record<string, string>;
}

const realClock: RfsClock = { now: () => Date.now() };
const silent = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function instance(name: string, amUrl: string) {
  const source = new FakeAlertMetricsSource(realClock);
  const notifier = new AlertmanagerNotifier({
    url: amUrl,
    resendInterval: '1m',
  });
  const service = new ResultAlertService({
    options: {
      defaultRules: false,
      instance: name,
      retryBaseMs: 100,
      dashboardUrl: `http://${name}.local:3000/rfs/dashboard`,
      notifiers: [notifier],
      rules: [
        {
          name: 'rfs_high_error_rate',
          operation: 'orders.*',
          metric: 'errorRate',
          condition: AlertCondition.GREATER_THAN,
          threshold: 0.05,
          window: '5m',
          minSamples: 20,
          severity: 'critical',
          annotations: { summary: 'High error rate on {{operation}}' },
        },
      ],
    },
    serviceName: 'shop',
    source,
    clock: realClock,
    registry: new Registry(),
    logger: silent,
  });
  return { source, service, notifier };
}

describeWithBinaries(
  ['prometheus-alertmanager'],
  'AlertmanagerNotifier → real Alertmanager',
  () => {
    const tmp = tempDir('rfs-am-');
    let am: RunningServer | undefined;
    let hook: Awaited<ReturnType<typeof startReceiver>> | undefined;

    afterAll(async () => {
      await am?.stop();
      await hook?.close();
      tmp.cleanup();
    });

    it('lists the alerts of two instances, groups them in one notification, then resolves them', async () => {
      hook = await startReceiver();
      am = await startAlertmanager(
        tmp.dir,
        `route:
  receiver: hook
  group_by: [alertname, operation]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${hook.url}/am
        send_resolved: true
`,
      );
      const a = instance('app-1', am.url);
      const b = instance('app-2', am.url);
      for (const i of [a, b]) {
        i.source.many(80, 'orders.create', 'ok');
        i.source.many(20, 'orders.create', 'err', { correlationId: 'req-42' });
        expect(i.service.evaluate()).toHaveLength(1);
      }

      const listed = await waitFor(
        'both alerts listed by GET /api/v2/alerts',
        async () => {
          const r = await listedAlerts(am!);
          return r.length === 2 ? r : undefined;
        },
        10_000,
      );
      const byInstance = Object.fromEntries(
        listed.map((x) => [x.labels.instance, x]),
      );
      expect(byInstance['app-1']).toMatchObject({
        labels: {
          alertname: 'rfs_high_error_rate',
          operation: 'orders.create',
          severity: 'critical',
          service: 'shop',
          instance: 'app-1',
        },
        annotations: {
          summary: 'High error rate on orders.create',
          value: '0.2',
          correlation_ids: expect.stringContaining('req-42'),
        },
        generatorURL: 'http://app-1.local:3000/rfs/dashboard',
        status: { state: 'active' },
      });
      // endsAt is 4 × resendInterval ahead: re-sent long before it, never auto-resolved.
      const endsIn = Date.parse(byInstance['app-2'].endsAt) - Date.now();
      expect(endsIn).toBeGreaterThan(200_000);
      expect(endsIn).toBeLessThanOrEqual(240_000);

      const firing = await waitFor(
        'one grouped firing webhook',
        async () =>
          (hook!.received.map((r) => r.body) as Webhook[]).find(
            (w) => w.status === 'firing' && w.alerts.length === 2,
          ),
        10_000,
      );
      expect(firing.groupLabels).toEqual({
        alertname: 'rfs_high_error_rate',
        operation: 'orders.create',
      });
      expect(firing.alerts.map((x) => x.labels.instance).sort()).toEqual([
        'app-1',
        'app-2',
      ]);

      // Failures stop: the window fills with successes and both instances resolve.
      for (const i of [a, b]) {
        i.source.many(1000, 'orders.create', 'ok');
        expect(i.service.evaluate()).toEqual([
          expect.objectContaining({ status: 'resolved' }),
        ]);
        expect(i.notifier.activeAlerts()).toEqual([]);
      }
      await waitFor(
        'GET /api/v2/alerts empty after resolve',
        async () => {
          const r = await listedAlerts(am!);
          return r.length === 0 ? true : undefined;
        },
        10_000,
      );
      const resolved = await waitFor(
        'a resolved webhook for the group',
        async () =>
          (hook!.received.map((r) => r.body) as Webhook[]).find(
            (w) => w.status === 'resolved',
          ),
        15_000,
      );
      expect(resolved.alerts.map((x) => x.status)).toEqual([
        'resolved',
        'resolved',
      ]);
      await a.service.shutdown();
      await b.service.shutdown();
    });
  },
);
