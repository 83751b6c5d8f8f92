import { err, ok } from 'nestjs-rfs';
import { MonoResult } from '../result/mono-result';
import {
  PerformanceTestHelper,
  RfsAssertionError,
  assertPerformance,
  type PerformanceReport,
} from 'nestjs-rfs/testing';

/** A clock the measured function advances: durations are exact, no real time involved. */
function scriptedClock(durations: number[]) {
  let t = 0;
  let i = 0;
  return {
    now: () => t,
    step: () => {
      t += durations[i++ % durations.length];
      return i % 4 === 0 ? err('e') : ok(i);
    },
  };
}

const report: PerformanceReport = {
  samples: 100,
  meanMs: 2,
  p50Ms: 1.5,
  p95Ms: 4,
  p99Ms: 9,
  maxMs: 12,
  opsPerSec: 480,
  errors: 3,
};

describe('PerformanceTestHelper.measure', () => {
  it('computes percentiles, mean, max, ops/s and errors from the samples', async () => {
    const durations = Array.from({ length: 100 }, (_, k) => k + 1); // 1..100 ms
    const clock = scriptedClock(durations);
    const r = await PerformanceTestHelper.measure(clock.step, {
      iterations: 100,
      warmup: 0,
      now: clock.now,
    });
    expect(r).toEqual({
      samples: 100,
      meanMs: 50.5,
      p50Ms: 50,
      p95Ms: 95,
      p99Ms: 99,
      maxMs: 100,
      opsPerSec: (100 * 1000) / 5050,
      errors: 25,
    });
  });

  it('runs warmup untimed, and MonoResults once per iteration', async () => {
    let runs = 0;
    const mono = MonoResult.defer(() => ok(++runs));
    const r = await PerformanceTestHelper.measure(mono, {
      iterations: 5,
      warmup: 3,
      concurrency: 2,
    });
    expect(runs).toBe(8);
    expect(r.samples).toBe(5);
  });

  it('counts throws and rejections as errors', async () => {
    const r = await PerformanceTestHelper.measure(
      () => Promise.reject(new Error('x')),
      { iterations: 3, warmup: 0 },
    );
    expect(r.errors).toBe(3);
  });

  it('validates options', async () => {
    await expect(
      PerformanceTestHelper.measure(() => 1, { iterations: 0 }),
    ).rejects.toThrow('measure: iterations must be an integer >= 1, got 0.');
  });

  it('measureMono times one run against maxDurationMs', async () => {
    let t = 0;
    const mono = MonoResult.defer(() => {
      t += 30;
      return ok('done');
    });
    const m = await PerformanceTestHelper.measureMono(mono, {
      maxDurationMs: 25,
      now: () => t,
    });
    expect(m).toEqual({
      result: ok('done'),
      durationMs: 30,
      maxDurationMs: 25,
      withinBudget: false,
    });
  });
});

describe('assertPerformance', () => {
  it('passes within the budget', () => {
    assertPerformance(report, {
      maxMeanMs: 2,
      maxP95Ms: 4,
      maxMs: 12,
      minOpsPerSec: 400,
      maxErrors: 3,
    });
  });

  it('fails naming every exceeded limit with the measured value', () => {
    let e: unknown;
    try {
      assertPerformance(report, {
        maxP95Ms: 3,
        maxP99Ms: 10,
        minOpsPerSec: 500,
      });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(RfsAssertionError);
    const m = (e as Error).message;
    expect(m).toContain('Expected the measurement to stay within the budget.');
    expect(m).toContain('maxP95Ms: measured 4, above the limit 3');
    expect(m).toContain('minOpsPerSec: measured 480, below the limit 500');
    expect(m).not.toContain('maxP99Ms');
  });

  it('accepts a measureMono measurement', () => {
    const m = {
      result: ok(1),
      durationMs: 40,
      maxDurationMs: 50,
      withinBudget: true,
    };
    assertPerformance(m, { maxMs: 50 });
    expect(() => assertPerformance(m, { maxMs: 39 })).toThrow(
      'maxMs: measured 40, above the limit 39',
    );
  });
});
