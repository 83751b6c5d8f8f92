import * as client from 'prom-client';
import { MetricsOptions } from './metrics.options';
import { createRfsPromMetrics } from './prometheus-metrics';
import { readmeBlock } from '../../test/support/readme-sections';

/** Rows of the README's series table: name, type, labels. */
function readmeSeries(): { name: string; type: string; labels: string[] }[] {
  return readmeBlock('metrics-series')
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
