// Prometheus export of the collector: series, cardinality limits, HTTP RED, shared registries.
// Recording and windows: result-metrics.collector.spec.ts.
import { Logger } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { resolveRfsOptions } from '../rfs.options';
import { CorrelationRejections } from '../correlation/correlation-rejections';
import {
  OVERFLOW_LABEL,
  ResultMetricsCollector,
} from './result-metrics.collector';
import { PromClientMissingError, loadPromClient } from './prometheus-metrics';
import {
  T0,
  setupCollector,
} from '../../test/support/metrics-collector.fixtures';

describe('ResultMetricsCollector', () => {
  afterEach(() => jest.restoreAllMocks());

  it('limits operations to maxOperations: the rest become __other__ with one warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    const t = setupCollector({ metrics: { maxOperations: 3 } }, false);
    for (let i = 0; i < 10; i++) t.collector.record(`op${i}`, 'ok', 1);
    expect(t.collector.getOperations()).toEqual([
      OVERFLOW_LABEL,
      'op0',
      'op1',
      'op2',
    ]);
    expect(t.collector.getOperationMetrics(OVERFLOW_LABEL).total).toBe(7);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('metrics.maxOperations (3)');
    expect(
      await t.value('rfs_operations_total', {
        operation: OVERFLOW_LABEL,
        outcome: 'ok',
      }),
    ).toBe(7);
  });

  it('limits error codes per operation to maxErrorCodes with one warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    const t = setupCollector({ metrics: { maxErrorCodes: 2 } }, false);
    for (let i = 0; i < 1000; i++)
      t.collector.record('op', 'err', 1, { errorCode: `E${i}` });
    const m = t.collector.getOperationMetrics('op');
    expect(m.errorBreakdown).toEqual({ E0: 1, E1: 1, [OVERFLOW_LABEL]: 998 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('metrics.maxErrorCodes (2)');
    const series = (
      await t.registry.getSingleMetric('rfs_operations_total')!.get()
    ).values;
    // Zero series of ok/err/defect, then E0, E1 and __other__: bounded whatever the codes.
    expect(series).toHaveLength(6);
    expect(
      await t.value('rfs_operations_total', {
        operation: 'op',
        error_code: OVERFLOW_LABEL,
      }),
    ).toBe(998);
  });

  it('exports HTTP RED series by route template when httpMetrics is on, skipping its own routes', async () => {
    const t = setupCollector({ metrics: { httpMetrics: true } });
    const http = (route: string, status: number, operation = `GET ${route}`) =>
      t.hub.emit({
        operation,
        outcome: status < 400 ? 'ok' : 'err',
        durationMs: 20,
        source: 'http',
        http: { method: 'get', route, status },
      });
    http('/orders/:id', 200);
    http('/orders/:id', 200);
    http('/orders/:id', 404);
    http('/reports/metrics', 200, 'ReportsController.metrics'); // a business route
    http('/metrics', 200);
    http('/api/metrics', 200, 'PrometheusController.index');
    http('/rfs/dashboard', 200, 'RfsDashboardController.json');
    http('/api/ops/board/ui', 200, 'RfsDashboardController.page');
    expect(
      await t.value('rfs_http_requests_total', {
        method: 'GET',
        route: '/orders/:id',
        status: '200',
      }),
    ).toBe(2);
    const text = await t.text();
    expect(text).toContain(
      'rfs_http_request_duration_seconds_count{method="GET",route="/orders/:id",status="404"} 1',
    );
    expect(text).toContain(
      'rfs_http_requests_total{method="GET",route="/reports/metrics",status="200"} 1',
    );
    expect(text).not.toMatch(/route="(\/api)?\/metrics"|dashboard|ops\/board/);
    expect(t.collector.getOperations()).not.toContain('GET /metrics');
    expect(t.collector.getOperations()).not.toContain(
      'RfsDashboardController.json',
    );
  });

  it('does not export HTTP series unless httpMetrics is on', async () => {
    const t = setupCollector();
    expect(await t.text()).not.toContain('rfs_http_requests_total');
  });

  it('gets or creates its metrics: a second collector on the same registry shares them', async () => {
    const a = setupCollector();
    a.collector.record('op', 'ok', 1);
    const b = new ResultMetricsCollector(
      resolveRfsOptions({}),
      { now: () => T0 },
      undefined,
      a.registry,
    );
    b.record('op', 'ok', 1);
    expect(
      await a.value('rfs_operations_total', { operation: 'op', outcome: 'ok' }),
    ).toBe(2);
  });

  it('increments a same-named counter created elsewhere directly', async () => {
    const registry = new Registry();
    const foreign = new Counter({
      name: 'rfs_operations_total',
      help: 'made by someone else',
      labelNames: ['operation', 'outcome', 'error_code'],
      registers: [registry],
    });
    const c = new ResultMetricsCollector(
      resolveRfsOptions({}),
      { now: () => T0 },
      undefined,
      registry,
    );
    c.record('op', 'err', 1, { errorCode: 'X' });
    const values = (await foreign.get()).values;
    expect(values).toContainEqual({
      labels: { operation: 'op', outcome: 'err', error_code: 'X' },
      value: 1,
    });
  });

  it('hands counts over before every read, and directly once destroyed', async () => {
    const t = setupCollector();
    for (let i = 0; i < 5; i++) t.collector.record('op', 'ok', 1);
    expect(
      await t.value('rfs_operations_total', { operation: 'op', outcome: 'ok' }),
    ).toBe(5);
    expect(await t.text()).toContain(
      'rfs_operations_total{operation="op",outcome="ok",error_code=""} 5',
    );
    t.collector.record('op', 'ok', 1);
    t.collector.onModuleDestroy();
    t.collector.record('op', 'ok', 1);
    expect(
      (
        await t.registry.getSingleMetric('rfs_operations_total')!.get()
      ).values.find(
        (v) => v.labels.operation === 'op' && v.labels.outcome === 'ok',
      )?.value,
    ).toBe(7);
  });

  it('replaces a same-named metric whose labels or buckets differ (hot reload with new options)', async () => {
    const a = setupCollector();
    const b = new ResultMetricsCollector(
      resolveRfsOptions({ metrics: { buckets: [0.1, 1] } }),
      { now: () => T0 },
      undefined,
      a.registry,
    );
    b.record('op', 'ok', 500);
    const text = await a.text();
    expect(text).toContain(
      'rfs_operation_duration_seconds_bucket{le="1",operation="op",outcome="ok"} 1',
    );
    expect(text).not.toContain('le="0.005"');
  });

  it('uses the metric prefix option', async () => {
    const t = setupCollector({ metrics: { prefix: 'shop_' } });
    t.collector.record('op', 'ok', 1);
    expect(await t.text()).toContain('shop_operations_total{');
  });

  it('counts rejected incoming correlation ids by source, from 0', async () => {
    const t = setupCollector();
    expect(
      await t.value('rfs_correlation_rejections_total', { source: 'header' }),
    ).toBe(0);
    CorrelationRejections.record('header', 'x-correlation-id', 5000);
    CorrelationRejections.record('traceparent', 'traceparent', 3);
    expect(
      await t.value('rfs_correlation_rejections_total', { source: 'header' }),
    ).toBe(1);
    t.collector.onModuleDestroy();
    CorrelationRejections.record('header', 'x-correlation-id', 5000);
    expect(
      await t.value('rfs_correlation_rejections_total', { source: 'header' }),
    ).toBe(1);
  });

  it('fails startup with a message naming prom-client when it is missing', () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module 'prom-client'"), {
        code: 'MODULE_NOT_FOUND',
      });
    };
    expect(() => loadPromClient(missing)).toThrow(PromClientMissingError);
    expect(() => loadPromClient(missing)).toThrow(
      /package 'prom-client' is not installed.*npm install prom-client.*metrics: false/,
    );
  });
});
