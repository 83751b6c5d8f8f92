import fc from 'fast-check';
import { OperationStats } from './operation-stats';
import { SKETCH_BIN_LIMIT, WINDOW_LAYOUTS } from './window-ring';
import { SeededRandom } from '../testing/seeded-random';

function normal(rand: () => number): number {
  // Box–Muller
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const DISTRIBUTIONS: [string, (rand: () => number) => number][] = [
  ['uniform 1–500 ms', (r) => 1 + r() * 499],
  ['log-normal (median 40 ms, σ 1)', (r) => Math.exp(Math.log(40) + normal(r))],
  [
    'bimodal (80% ~5 ms cache hits, 20% ~300 ms misses)',
    (r) => (r() < 0.8 ? 5 + normal(r) * 0.5 : 300 + normal(r) * 40),
  ],
];

/** The value at rank floor(q·(n−1)) of the sorted sample (the "lower" quantile). */
function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

const T0 = Date.UTC(2026, 0, 1);

describe('OperationStats percentiles', () => {
  it.each(DISTRIBUTIONS)(
    'are within 2%% of the exact value on a seeded %s sample, across merged slots',
    (_name, draw) => {
      const random = new SeededRandom(42);
      const rand = () => random.next();
      const stats = new OperationStats('op');
      const values: number[] = [];
      // 20 000 values spread over 4 minutes: the 5m window merges several slot sketches.
      for (let i = 0; i < 20_000; i++) {
        const v = Math.max(0.01, draw(rand));
        values.push(v);
        stats.add(T0 + i * 12, 'ok', v, undefined);
      }
      const now = T0 + 20_000 * 12;
      const m = stats.metrics(now, '5m');
      expect(m.total).toBe(20_000);
      const sorted = [...values].sort((a, b) => a - b);
      for (const [q, got] of [
        [0.5, m.p50Ms],
        [0.9, m.p90Ms],
        [0.95, m.p95Ms],
        [0.99, m.p99Ms],
      ] as const) {
        const exact = exactQuantile(sorted, q);
        expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(0.02);
      }
      expect(m.maxMs).toBe(sorted[sorted.length - 1]);
      expect(m.meanMs).toBeCloseTo(
        values.reduce((a, b) => a + b, 0) / values.length,
        6,
      );
    },
  );

  it('bounds each sketch to its bin limit even over a huge value range', () => {
    const stats = new OperationStats('op');
    const random = new SeededRandom(7);
    const rand = () => random.next();
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      // 1 ns … 10⁶ s: far more bins than the limit at 1% accuracy
      const v = 10 ** (-6 + rand() * 15);
      values.push(v);
      stats.add(T0, 'ok', v, undefined);
    }
    stats.add(T0 + 5_000, 'ok', 1, undefined); // next 5 s slot: folds into coarser rings
    for (const ring of stats.rings) {
      const sketch = ring.current(T0).sketch!;
      expect(sketch.store.bins.length).toBeLessThanOrEqual(
        SKETCH_BIN_LIMIT + 128,
      );
    }
    // Collapsing only blurs the lowest values: high percentiles stay accurate.
    const sorted = values.sort((a, b) => a - b);
    const p99 = stats.metrics(T0, '1m').p99Ms;
    const exact = exactQuantile(sorted, 0.99);
    expect(Math.abs(p99 - exact) / exact).toBeLessThanOrEqual(0.02);
  });

  it('keeps counting when a clock goes back to a completed (compacted) slot', () => {
    const stats = new OperationStats('op');
    stats.add(T0 + 10_000, 'ok', 5, undefined);
    stats.add(T0 + 20_000, 'ok', 50, undefined); // folds and compacts the first slot
    stats.add(T0 + 10_000, 'ok', 500, undefined); // back in time, wide value: bins must grow
    stats.add(T0 + 10_000, 'ok', 500, undefined);
    const m = stats.metrics(T0 + 20_000, '1m');
    expect(m.total).toBe(4);
    expect(Math.abs(m.p50Ms - 50) / 50).toBeLessThanOrEqual(0.02);
    expect(m.maxMs).toBe(500);
    expect(Math.abs(m.p99Ms - 500) / 500).toBeLessThanOrEqual(0.02);
  });

  it('counts exactly the values of each window, up to one slot at its old edge (property)', () => {
    const event = fc.record({
      dt: fc.oneof(
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 400_000 }),
      ),
      outcome: fc.constantFrom(
        'ok' as const,
        'err' as const,
        'defect' as const,
      ),
      ms: fc.double({ min: 0.01, max: 5_000, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 200 }),
        fc.integer({ min: 0, max: 4_000_000 }),
        (events, queryDelay) => {
          const stats = new OperationStats('op');
          let t = T0 + 777;
          const seen: { t: number; outcome: string }[] = [];
          for (const e of events) {
            t += e.dt;
            stats.add(t, e.outcome, e.ms, e.outcome === 'ok' ? undefined : 'X');
            seen.push({ t, outcome: e.outcome });
          }
          const now = t + queryDelay;
          for (const layout of WINDOW_LAYOUTS) {
            const width = layout.lengthMs / layout.slots;
            const m = stats.metrics(now, layout.window);
            const surely = seen.filter(
              (x) => now - x.t < layout.lengthMs - width,
            );
            const possibly = seen.filter((x) => now - x.t < layout.lengthMs);
            expect(m.total).toBeGreaterThanOrEqual(surely.length);
            expect(m.total).toBeLessThanOrEqual(possibly.length);
            expect(m.ok + m.err + m.defect).toBe(m.total);
            expect(m.errorBreakdown.X ?? 0).toBe(m.err + m.defect);
          }
        },
      ),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
