import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as client from 'prom-client';
import { MetricsOptions } from './metrics.options';
import { createRfsPromMetrics } from './prometheus-metrics';

/** Rows of the README's series table: name, type, labels. */
function readmeSeries(): { name: string; type: string; labels: string[] }[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- metrics-series:start -->');
  const end = readme.indexOf('<!-- metrics-series:end -->');
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  return readme
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [name, type, labels] = line
        .split('|')
        .slice(1, 4)
        .map((c) => c.trim());
      return {
        name: name.replace(/`/g, ''),
        type,
        labels: [...labels.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
      };
    });
}

describe('README metrics table', () => {
  it('lists exactly the series the collector creates, with their types and labels', async () => {
    const registry = new client.Registry();
    createRfsPromMetrics(client, registry, {
      ...new MetricsOptions(),
      httpMetrics: true,
    });
    const created = (await registry.getMetricsAsJSON()).map((m) => ({
      name: m.name,
      type: String(m.type),
      labels: [
        ...((
          registry.getSingleMetric(m.name) as unknown as {
            labelNames: string[];
          }
        ).labelNames ?? []),
      ],
    }));
    const byName = (a: { name: string }, b: { name: string }) =>
      a.name.localeCompare(b.name);
    expect(readmeSeries().sort(byName)).toEqual(created.sort(byName));
  });
});
