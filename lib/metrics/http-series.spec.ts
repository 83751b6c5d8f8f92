// The HTTP RED series with cached label children: exact at every read, whatever the path.
import * as client from 'prom-client';
import { Registry } from 'prom-client';
import { resolveRfsOptions } from '../rfs.options';
import { HttpSeries } from './http-series';
import {
  createRfsPromMetrics,
  type RfsPromMetrics,
} from './prometheus-metrics';
import { MetricsOptions } from './metrics.options';

function setup(maxEntries?: number) {
  const registry = new Registry();
  const options = resolveRfsOptions({ metrics: { httpMetrics: true } })
    .metrics as MetricsOptions;
  const prom: RfsPromMetrics = createRfsPromMetrics(client, registry, options);
  const series = new HttpSeries(prom, maxEntries);
  const requests = async (status: string, route = '/orders/:id') =>
    (await prom.httpRequests!.get()).values.find(
      (v) => v.labels.status === status && v.labels.route === route,
    )?.value;
  const durationCount = async (status: string) =>
    (await prom.httpDuration!.get()).values.find(
      (v) =>
        v.labels.status === status &&
        v.metricName === 'rfs_http_request_duration_seconds_count',
    )?.value;
  return { prom, series, requests, durationCount, registry };
}

describe('HttpSeries', () => {
  it('counts every request at each read, with upper-case methods and status labels', async () => {
    const t = setup();
    t.series.record('get', '/orders/:id', 200, 0.01);
    t.series.record('get', '/orders/:id', 200, 0.02);
    expect(await t.requests('200')).toBe(2);
    t.series.record('get', '/orders/:id', 200, 0.01);
    t.series.record('get', '/orders/:id', 404, 0.5);
    expect(await t.requests('200')).toBe(3);
    expect(await t.requests('404')).toBe(1);
    expect(await t.durationCount('200')).toBe(3);
    const text = await t.registry.metrics();
    expect(text).toContain(
      'rfs_http_requests_total{method="GET",route="/orders/:id",status="404"} 1',
    );
  });

  it('without a duration counts the request and observes no duration (cached or not)', async () => {
    for (const maxEntries of [1_000, 0]) {
      const t = setup(maxEntries);
      t.series.record('get', '/orders/:id', 403);
      t.series.record('get', '/orders/:id', 403);
      t.series.record('get', '/orders/:id', 403, 0.01);
      expect(await t.requests('403')).toBe(3);
      expect(await t.durationCount('403')).toBe(1);
    }
  });

  it('past maxEntries label sets it records directly, still exact', async () => {
    const t = setup(2);
    for (let i = 0; i < 5; i++) {
      t.series.record('get', `/r${i}`, 200, 0.01);
      t.series.record('get', `/r${i}`, 200, 0.01);
    }
    for (let i = 0; i < 5; i++)
      expect(await t.requests('200', `/r${i}`)).toBe(2);
  });

  it('drops what it counted when the series are reset (clear), and counts again after', async () => {
    const t = setup();
    t.series.record('get', '/orders/:id', 200, 0.01);
    t.prom.httpRequests!.reset();
    t.prom.httpDuration!.reset();
    t.series.clear();
    expect(await t.requests('200')).toBeUndefined();
    t.series.record('get', '/orders/:id', 200, 0.01);
    expect(await t.requests('200')).toBe(1);
  });

  it('after close, records reach prom-client directly (shutdown hooks still count)', async () => {
    const t = setup();
    t.series.record('get', '/orders/:id', 200, 0.01);
    t.series.close();
    t.series.record('get', '/orders/:id', 200, 0.01);
    expect(await t.requests('200')).toBe(2);
  });
});
