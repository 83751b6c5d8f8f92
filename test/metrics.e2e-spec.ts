import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  type INestApplication,
  Module,
  Param,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { spawnSync } from 'node:child_process';
import { register } from 'prom-client';
import {
  type DashboardSnapshot,
  ResultAlertService,
  ResultMetricsCollector,
  RfsError,
  RfsModule,
  RfsOperation,
  LogResultOperation,
  rfsPinoHttp,
  type RfsModuleForRootOptions,
  err,
  ok,
} from 'nestjs-rfs';
import { MemoryLogStream } from './support/memory-log.stream';
import { HTTP_PLATFORMS, httpAdapter } from './support/http-adapters';
import { listenLocally, startLocalApp } from './support/local-app';

@Controller('orders')
class OrdersController {
  @Get(':id')
  @RfsOperation('orders.get')
  get(@Param('id') id: string) {
    if (id === 'boom') throw new Error('database driver crashed');
    if (id === 'missing') return err(RfsError.notFound('order', id));
    return ok({ id });
  }

  @Get()
  @RfsOperation('orders.list')
  list() {
    return ok([]);
  }
}

@Injectable()
class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> }>();
    return req.headers['x-admin'] === 'yes';
  }
}

type Adapter = 'express' | 'fastify';

async function start(
  adapter: Adapter,
  rfs: {
    forRoot?: RfsModuleForRootOptions;
    async?: () => object;
    globalPrefix?: string;
  },
): Promise<{ app: INestApplication; base: string }> {
  // Each app gets fresh series in the default registry (the one PrometheusModule serves).
  register.clear();
  // Logging (nestjs-pino) is another feature's concern; these apps run without it.
  const rfsModule = rfs.async
    ? RfsModule.forRootAsync({
        useFactory: async () => ({ logging: false, ...(await rfs.async!()) }),
      })
    : RfsModule.forRoot({ logging: false, ...rfs.forRoot });
  @Module({
    imports: [
      rfsModule,
      PrometheusModule.register({ defaultMetrics: { enabled: false } }),
    ],
    controllers: [OrdersController],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, httpAdapter(adapter), {
    logger: false,
  });
  if (rfs.globalPrefix) app.setGlobalPrefix(rfs.globalPrefix);
  return { app, base: await listenLocally(app) };
}

function promtoolAvailable(): boolean {
  return spawnSync('promtool', ['--version']).status === 0;
}

describe.each(HTTP_PLATFORMS)('metrics and dashboard on %s', (adapter) => {
  let app: INestApplication;
  let base: string;
  const metricsText = async () => (await fetch(`${base}/metrics`)).text();

  beforeAll(async () => {
    ({ app, base } = await start(adapter, {
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

describe.each(HTTP_PLATFORMS)('dashboard options on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is off in production unless enabled explicitly', async () => {
    let base: string;
    ({ app, base } = await start(adapter, {
      forRoot: { environment: 'production' },
    }));
    expect((await fetch(`${base}/rfs/dashboard`)).status).toBe(404);
    expect((await fetch(`${base}/rfs/dashboard/ui`)).status).toBe(404);
    await app.close();
    ({ app, base } = await start(adapter, {
      forRoot: { environment: 'production', dashboard: { enabled: true } },
    }));
    expect((await fetch(`${base}/rfs/dashboard`)).status).toBe(200);
  });

  it('lives under the global prefix and is never counted as an operation', async () => {
    let base: string;
    ({ app, base } = await start(adapter, {
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
    ({ app, base } = await start(adapter, {
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

@Injectable()
class PaymentsService {
  @LogResultOperation('payments.capture')
  async capture(amount: number) {
    await new Promise((r) => setImmediate(r));
    return amount > 0
      ? ok(amount)
      : err(RfsError.validation({ amount: 'must be > 0' }));
  }
}

@Controller('payments')
class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get(':amount')
  capture(@Param('amount') amount: string) {
    return this.payments.capture(Number(amount));
  }
}

describe.each(HTTP_PLATFORMS)(
  'metrics next to Result logging on %s',
  (adapter) => {
    let app: INestApplication;
    let base: string;
    const stream = new MemoryLogStream();

    beforeAll(async () => {
      register.clear();
      @Module({
        imports: [
          LoggerModule.forRoot({
            pinoHttp: [rfsPinoHttp({ level: 'info' }), stream],
          }),
          RfsModule.forRoot({ environment: 'development' }),
          PrometheusModule.register({ defaultMetrics: { enabled: false } }),
        ],
        controllers: [PaymentsController],
        providers: [PaymentsService],
      })
      class AppModule {}
      ({ app, base } = await startLocalApp(AppModule, httpAdapter(adapter)));
    });
    afterAll(() => app.close());

    it('records the duration its log line reports: one timing per operation', async () => {
      await fetch(`${base}/payments/-5`);
      const line = stream.lines.find((l) => l.operation === 'payments.capture');
      expect(line).toMatchObject({ outcome: 'err' });
      const text = await (await fetch(`${base}/metrics`)).text();
      const sum =
        /rfs_operation_duration_seconds_sum\{operation="payments\.capture",outcome="err"\} (\S+)/.exec(
          text,
        );
      expect(Number(sum?.[1])).toBeCloseTo(Number(line!.durationMs) / 1000, 6);
      expect(text).toContain(
        'rfs_operations_total{operation="payments.capture",outcome="err",error_code="VALIDATION_ERROR"} 1',
      );
    });

    it('keeps dashboard polls out of the operations and out of the Result log', async () => {
      const before = stream.lines.length;
      await fetch(`${base}/rfs/dashboard`);
      await fetch(`${base}/rfs/dashboard/ui`);
      const operations = stream.lines
        .slice(before)
        .filter((l) => l.operation !== undefined);
      expect(operations).toEqual([]);
    });
  },
);
