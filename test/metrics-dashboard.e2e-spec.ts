// Dashboard options (environment, global prefix, async path and guard) on Express and Fastify.
import { type INestApplication } from '@nestjs/common';
import { type DashboardSnapshot } from 'nestjs-rfs';
import { HTTP_PLATFORMS } from './support/http-adapters';
import { AdminGuard, startMetricsApp } from './support/metrics-app.fixtures';

describe.each(HTTP_PLATFORMS)('dashboard options on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is off in production unless enabled explicitly', async () => {
    let base: string;
    ({ app, base } = await startMetricsApp(adapter, {
      forRoot: { environment: 'production' },
    }));
    expect((await fetch(`${base}/rfs/dashboard`)).status).toBe(404);
    expect((await fetch(`${base}/rfs/dashboard/ui`)).status).toBe(404);
    await app.close();
    ({ app, base } = await startMetricsApp(adapter, {
      forRoot: { environment: 'production', dashboard: { enabled: true } },
    }));
    expect((await fetch(`${base}/rfs/dashboard`)).status).toBe(200);
  });

  it('lives under the global prefix and is never counted as an operation', async () => {
    let base: string;
    ({ app, base } = await startMetricsApp(adapter, {
      forRoot: { metrics: { httpMetrics: true } },
      globalPrefix: 'api',
    }));
    await fetch(`${base}/api/orders/1`);
    expect((await fetch(`${base}/api/rfs/dashboard/ui`)).status).toBe(200);
    const d = (await (
      await fetch(`${base}/api/rfs/dashboard`)
    ).json()) as DashboardSnapshot;
    const names = d.operations.map((o) => o.operation);
    expect(names).toEqual(
      expect.arrayContaining(['orders.get', 'orders.list']),
    );
    expect(names.filter((n) => /Dashboard|Prometheus/.test(n))).toEqual([]);
    expect(d.operations.find((o) => o.operation === 'orders.get')!.total).toBe(
      1,
    );
    const text = await (await fetch(`${base}/api/metrics`)).text();
    expect(text).toContain(
      'rfs_http_requests_total{method="GET",route="/api/orders/:id",status="200"} 1',
    );
    expect(text).not.toMatch(/route="[^"]*(dashboard|metrics)/);
  });

  it('takes its path and guard from async options', async () => {
    let base: string;
    ({ app, base } = await startMetricsApp(adapter, {
      async: async () => {
        await Promise.resolve();
        return { dashboard: { path: '/ops/board/', guard: AdminGuard } };
      },
    }));
    expect((await fetch(`${base}/rfs/dashboard`)).status).toBe(404);
    expect((await fetch(`${base}/ops/board`)).status).toBe(403);
    expect((await fetch(`${base}/ops/board/ui`)).status).toBe(403);
    const res = await fetch(`${base}/ops/board`, {
      headers: { 'x-admin': 'yes' },
    });
    expect(res.status).toBe(200);
    expect(
      (await fetch(`${base}/ops/board/ui`, { headers: { 'x-admin': 'yes' } }))
        .status,
    ).toBe(200);
  });
});
