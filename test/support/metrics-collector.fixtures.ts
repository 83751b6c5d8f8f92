import { Registry } from 'prom-client';
import { OperationHub } from '../../lib/operations/operation-hub';
import {
  resolveRfsOptions,
  type RfsModuleOptionsInput,
} from '../../lib/rfs.options';
import { ResultMetricsCollector } from '../../lib/metrics/result-metrics.collector';

/** Start time of the collector specs' injected clock. */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A collector on a fresh registry; `listen: false` keeps it off the hub (which replays
 * operations declared process-wide by other tests). */
export function setupCollector(
  input: RfsModuleOptionsInput = {},
  listen = true,
) {
  let now = T0;
  const clock = { now: () => now };
  const registry = new Registry();
  const hub = new OperationHub();
  const collector = new ResultMetricsCollector(
    resolveRfsOptions(input),
    clock,
    listen ? hub : undefined,
    registry,
  );
  collector.onModuleInit();
  return {
    collector,
    registry,
    hub,
    advance: (ms: number) => {
      now += ms;
    },
    text: () => registry.metrics(),
    value: async (name: string, labels: Record<string, string>) => {
      const m = await registry.getSingleMetric(name)?.get();
      const v = m?.values.find((x) =>
        Object.entries(labels).every(([k, val]) => String(x.labels[k]) === val),
      );
      return v?.value;
    },
  };
}
