import { type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  copyFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { register } from 'prom-client';
import {
  AlertCondition,
  type DashboardSnapshot,
  type OperationMetrics,
  ResultAlertService,
  ResultMetricsCollector,
  RfsModule,
  getRfsClockToken,
} from 'nestjs-rfs';
import { HTTP_PLATFORMS, httpAdapter } from '../support/http-adapters';
import { SeededRandom } from 'nestjs-rfs/testing';
import { OrdersController } from '../support/orders.controller';
import { listenLocally } from '../support/local-app';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

@Module({
  imports: [
    RfsModule.forRoot({
      serviceName: 'shop',
      environment: 'development',
      logging: false,
      alerts: {
        defaultRules: false,
        notifiers: [],
        rules: [
          {
            name: 'orders_error_rate',
            operation: 'orders.*',
            metric: 'errorRate',
            condition: AlertCondition.GREATER_THAN,
            threshold: 0.1,
            window: '5m',
            minSamples: 5,
            severity: 'critical',
          },
        ],
      },
    }),
    PrometheusModule.register({ defaultMetrics: { enabled: false } }),
  ],
  controllers: [OrdersController],
})
class AppModule {}

// The page's own formatting rules, restated: rendered text must equal the JSON through them.
const format = {
  int: (n: number) => String(n),
  pct: (x: number) => `${(x * 100).toFixed(2)}%`,
  ms: (x: number) => x.toFixed(1),
  rate: (x: number) => x.toFixed(3),
};

function expectedCells(m: OperationMetrics): Record<string, string> {
  return {
    operation: m.operation,
    total: format.int(m.total),
    ok: format.int(m.ok),
    err: format.int(m.err),
    defect: format.int(m.defect),
    errorRate: format.pct(m.errorRate),
    throughputPerSec: format.rate(m.throughputPerSec),
    meanMs: format.ms(m.meanMs),
    p50Ms: format.ms(m.p50Ms),
    p95Ms: format.ms(m.p95Ms),
    p99Ms: format.ms(m.p99Ms),
    maxMs: format.ms(m.maxMs),
    topErrors: m.topErrors.map((e) => `${e.code} ${e.count}`).join(', '),
  };
}

async function renderedRows(
  page: Page,
): Promise<Record<string, Record<string, string>>> {
  return page.$$eval('#operations tbody tr[data-operation]', (rows) =>
    Object.fromEntries(
      rows.map((tr) => [
        tr.getAttribute('data-operation') ?? '',
        Object.fromEntries(
          [...tr.querySelectorAll('td[data-field]')].map((td) => [
            td.getAttribute('data-field') ?? '',
            td.textContent ?? '',
          ]),
        ),
      ]),
    ),
  );
}

describe.each(HTTP_PLATFORMS)(
  'dashboard page in headless Chromium (%s)',
  (adapter) => {
    let app: INestApplication;
    let base: string;
    let browser: BrowserContext;
    let profile: string;
    let now = Date.UTC(2026, 10, 26, 10, 0, 0);
    const clock = { now: () => now };

    beforeAll(async () => {
      if (!existsSync(CHROMIUM))
        throw new Error(
          `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does.`,
        );
      register.clear();
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
        .overrideProvider(getRfsClockToken())
        .useValue(clock)
        .compile();
      app = moduleRef.createNestApplication(httpAdapter(adapter), {
        logger: false,
      });
      base = await listenLocally(app);

      // Known traffic over 15 simulated minutes: real HTTP requests for orders.get, and
      // operations recorded through the collector with seeded durations.
      const collector = app.get(ResultMetricsCollector);
      const random = new SeededRandom(2026);
      const rand = () => random.next();
      for (let minute = 0; minute < 15; minute++) {
        for (let i = 0; i < 6; i++) {
          const id =
            minute >= 11 && i < 2
              ? 'missing'
              : minute === 13 && i === 2
                ? 'boom'
                : String(i);
          await fetch(`${base}/orders/${id}`);
        }
        const calls = 20 + Math.round(20 * Math.sin(minute / 2.5) ** 2);
        for (let i = 0; i < calls; i++) {
          const slow = minute >= 9 ? 2.5 : 1;
          collector.record(
            'payments.capture',
            rand() < 0.03 ? 'err' : 'ok',
            Math.exp(Math.log(40 * slow) + (rand() - 0.5) * 1.2),
            {
              errorCode: 'EXTERNAL_SERVICE_ERROR',
              correlationId: `pay-${minute}-${i}`,
            },
          );
        }
        for (let i = 0; i < 10; i++)
          collector.record('inventory.reserve', 'ok', 2 + rand() * 6);
        collector.recordFlux('inventory.reserve', { ok: 95, err: 5 });
        now += 60_000;
      }
      now -= 30_000; // mid-minute, so the last sparkline point is not empty
      app.get(ResultAlertService).evaluate();

      profile = mkdtempSync(join(tmpdir(), 'rfs-chromium-'));
      // A fresh profile per run (launchPersistentContext owns --user-data-dir).
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1500, height: 640 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-quic',
          '--no-first-run',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('renders the numbers of the JSON it polls, the sparklines and the active alerts', async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      const firstJson = page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/rfs/dashboard',
      );
      await page.goto(`${base}/rfs/dashboard/ui`);
      const data = (await (await firstJson).json()) as DashboardSnapshot;
      await page.waitForSelector(
        `body[data-rendered-at="${data.generatedAt}"]`,
      );

      expect(data.operations.map((o) => o.operation)).toEqual([
        'inventory.reserve',
        'orders.get',
        'payments.capture',
      ]);
      const rows = await renderedRows(page);
      expect(Object.keys(rows)).toEqual(
        data.operations.map((o) => o.operation),
      );
      for (const m of data.operations) {
        const { sparkThroughput, sparkErrorRate, sparkP95, ...cells } =
          rows[m.operation];
        expect(cells).toEqual(expectedCells(m));
        expect([sparkThroughput, sparkErrorRate, sparkP95]).toHaveLength(3);
      }
      // The JSON is the collector's own view.
      const orders = data.operations.find((o) => o.operation === 'orders.get')!;
      // 5m window at 14.5 min: minutes 10–14, 6 requests each (2 missing from minute 11, 1 boom at 13).
      expect(orders).toMatchObject({ ok: 21, err: 8, defect: 1 });

      // One 15-point polyline per sparkline, from the per-minute history.
      const points = await page.$$eval(
        'tr[data-operation="payments.capture"] svg.spark polyline',
        (lines) =>
          lines.map((l) => l.getAttribute('points')!.split(' ').length),
      );
      expect(points).toEqual([15, 15, 15]);

      const alerts = await page.$$eval('#alerts tbody tr[data-alert]', (rows) =>
        rows.map((tr) => ({
          rule: tr.querySelector('[data-field="rule"]')!.textContent,
          operation: tr.querySelector('[data-field="operation"]')!.textContent,
        })),
      );
      expect(alerts).toEqual(
        data.activeAlerts.map((a) => ({
          rule: a.rule,
          operation: a.operation,
        })),
      );
      expect(alerts).toEqual([
        { rule: 'orders_error_rate', operation: 'orders.get' },
      ]);

      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, `dashboard-${adapter}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      if (adapter === 'express')
        copyFileSync(shot, join(ROOT, 'docs', 'dashboard.png'));
      expect(errors).toEqual([]);
      await page.close();
    });

    it('refreshes from the JSON every 2 s', async () => {
      const page = await browser.newPage();
      await page.goto(`${base}/rfs/dashboard/ui`);
      await page.waitForSelector('tr[data-operation="orders.get"]');
      const total = async () =>
        page.textContent(
          'tr[data-operation="orders.get"] td[data-field="total"]',
        );
      const before = Number(await total());
      for (let i = 0; i < 3; i++) await fetch(`${base}/orders/${i}`);
      // No reload: the next poll (≤ 2 s) shows the new requests.
      await page
        .locator('tr[data-operation="orders.get"] td[data-field="total"]')
        .filter({ hasText: new RegExp(`^${before + 3}$`) })
        .waitFor({ timeout: 5000 });
      await page.close();
    });
  },
);
