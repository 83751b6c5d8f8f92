// Prometheus series and the dashboard of a real app on Express and Fastify, and startup without
// prom-client. Dashboard options: metrics-dashboard.e2e-spec.ts; next to Result logging:
// metrics-logging.e2e-spec.ts.
import { type INestApplication } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import {
  type DashboardSnapshot,
  ResultAlertService,
  ResultMetricsCollector,
} from 'nestjs-rfs';
import { HTTP_PLATFORMS } from './support/http-adapters';
import { startMetricsApp } from './support/metrics-app.fixtures';

function promtoolAvailable(): boolean {
  return spawnSync('promtool', ['--version']).status === 0;
}

describe.each(HTTP_PLATFORMS)('metrics and dashboard on %s', (adapter) => {
  let app: INestApplication;
  let base: string;
  const metricsText = async () => (await fetch(`${base}/metrics`)).text();

  beforeAll(async () => {
    ({ app, base } = await startMetricsApp(adapter, {
      forRoot: {
        serviceName: 'shop',
        environment: 'development',
        metrics: { httpMetrics: true },
      },
    }));
  });
  afterAll(() => app.close());

  it('exports every {operation, outcome} series at 0 before the first request', async () => {
    const text = await metricsText();
    for (const op of ['orders.get', 'orders.list'])
      for (const outcome of ['ok', 'err', 'defect']) {
        expect(text).toContain(
          `rfs_operations_total{operation="${op}",outcome="${outcome}",error_code=""} 0`,
        );
        expect(text).toContain(
          `rfs_operation_duration_seconds_count{operation="${op}",outcome="${outcome}"} 0`,
        );
      }
    expect(text).not.toContain('RfsDashboardController');
    expect(text).not.toContain('PrometheusController');
  });

  it('shows each request in /metrics and in the collector at once, with route templates', async () => {
    for (const id of ['1', '2', '3', 'missing', 'missing', 'boom'])
      await fetch(`${base}/orders/${id}`);
    const text = await metricsText();
    expect(text).toContain(
      'rfs_operations_total{operation="orders.get",outcome="ok",error_code=""} 3',
    );
    expect(text).toContain(
      'rfs_operations_total{operation="orders.get",outcome="err",error_code="NOT_FOUND"} 2',
    );
    expect(text).toContain(
      'rfs_operations_total{operation="orders.get",outcome="defect",error_code=""} 1',
    );
    expect(text).toContain(
      'rfs_operation_duration_seconds_count{operation="orders.get",outcome="ok"} 3',
    );
    expect(text).toContain(
      'rfs_http_requests_total{method="GET",route="/orders/:id",status="200"} 3',
    );
    expect(text).toContain(
      'rfs_http_requests_total{method="GET",route="/orders/:id",status="404"} 2',
    );
    expect(text).toContain(
      'rfs_http_request_duration_seconds_count{method="GET",route="/orders/:id",status="500"} 1',
    );
    // Never the raw URL, never the scrape route itself.
    expect(text).not.toMatch(/route="\/orders\/(1|missing|boom)"/);
    expect(text).not.toMatch(/route="\/metrics"/);

    const m = app
      .get(ResultMetricsCollector)
      .getOperationMetrics('orders.get', '1m');
    expect(m).toMatchObject({
      total: 6,
      ok: 3,
      err: 2,
      defect: 1,
      errorBreakdown: { NOT_FOUND: 2, defect: 1 },
    });
  });

  it('passes promtool check metrics when promtool is installed', async () => {
    if (!promtoolAvailable()) return; // the alerts integration suite always runs it in CI
    const run = spawnSync('promtool', ['check', 'metrics'], {
      input: await metricsText(),
    });
    expect(run.stderr.toString() + run.stdout.toString()).toBe('');
    expect(run.status).toBe(0);
  });

  it('serves the dashboard JSON with the same numbers as the collector', async () => {
    const res = await fetch(`${base}/rfs/dashboard?window=1m`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const d = (await res.json()) as DashboardSnapshot;
    expect(d.service).toBe('shop');
    expect(d.window).toBe('1m');
    expect(new Date(d.generatedAt).toISOString()).toBe(d.generatedAt);
    expect(d.activeAlerts).toEqual([]);
    // The alert service is the dashboard's alerts source.
    expect(d.alertRules.map((r) => r.name)).toEqual(
      app
        .get(ResultAlertService)
        .getRules()
        .map((r) => r.name),
    );
    const orders = d.operations.find((o) => o.operation === 'orders.get');
    expect(orders).toEqual(
      app.get(ResultMetricsCollector).getOperationMetrics('orders.get', '1m'),
    );
    expect(d.history['orders.get']).toHaveLength(15);
    expect(d.system.uptimeSec).toBeGreaterThanOrEqual(0);
    expect(d.system.rssBytes).toBeGreaterThan(d.system.heapUsedBytes);
    expect(d.system.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
    // Polling the dashboard is not a business operation.
    expect(d.operations.some((o) => o.operation.includes('Dashboard'))).toBe(
      false,
    );
  });

  it('rejects an unknown window with a message naming the accepted ones', async () => {
    const res = await fetch(`${base}/rfs/dashboard?window=2m`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      "window must be one of '1m', '5m', '15m', '1h'",
    );
  });

  it('serves one self-contained HTML page', async () => {
    const res = await fetch(`${base}/rfs/dashboard/ui`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
    const html = await res.text();
    expect(html).toContain('<table id="operations">');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe('metrics without prom-client installed', () => {
  it('fails startup with a message naming the package, and starts with metrics: false', async () => {
    try {
      await jest.isolateModulesAsync(async () => {
        jest.doMock('prom-client', () => {
          throw Object.assign(new Error("Cannot find module 'prom-client'"), {
            code: 'MODULE_NOT_FOUND',
          });
        });
        const rfs = await import('nestjs-rfs');
        const { Test } = await import('@nestjs/testing');
        await expect(
          Test.createTestingModule({
            imports: [rfs.RfsModule.forRoot({ logging: false })],
          }).compile(),
        ).rejects.toThrow(/package 'prom-client' is not installed/);
        const moduleRef = await Test.createTestingModule({
          imports: [rfs.RfsModule.forRoot({ logging: false, metrics: false })],
        }).compile();
        const collector = moduleRef.get(rfs.ResultMetricsCollector);
        collector.record('op', 'ok', 1);
        expect(collector.getOperationMetrics('op', '1m').total).toBe(1);
        await moduleRef.close();
      });
    } finally {
      // doMock outlives isolateModules: later runtime require('prom-client') calls must work.
      jest.dontMock('prom-client');
    }
  });
});
