import { err, ok, type Result } from './result';
import { MonoResult } from './mono-result';

afterEach(() => new Promise((r) => setImmediate(r)));

describe('MonoResult.cache', () => {
  it('100 concurrent awaits run the source once', async () => {
    let release!: () => void;
    const thunk = jest.fn(
      () => new Promise<number>((r) => (release = () => r(42))),
    );
    const cached = MonoResult.fromPromise(thunk, String).cache();
    const runs = Array.from({ length: 100 }, () => cached.run());
    release();
    const results = await Promise.all(runs);
    expect(thunk).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.isOk() && r.value === 42)).toBe(true);
    expect(await cached).toEqual(ok(42));
    expect(thunk).toHaveBeenCalledTimes(1);
  });

  it('keeps an Err for the TTL, then runs again', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      let calls = 0;
      const thunk = jest.fn(async (): Promise<Result<number, string>> =>
        err(`e${++calls}`),
      );
      const cached = MonoResult.fromAsync(thunk).cache({ ttlMs: 1_000 });
      expect(await cached).toEqual(err('e1'));
      jest.advanceTimersByTime(999);
      expect(await cached).toEqual(err('e1'));
      jest.advanceTimersByTime(1);
      expect(await cached).toEqual(err('e2'));
      expect(thunk).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not cache a defect: the next run executes again', async () => {
    let calls = 0;
    const cached = MonoResult.fromAsync(async () => {
      calls++;
      if (calls === 1) throw new Error('flaky bug');
      return ok(calls);
    }).cache();
    const first = [cached.run(), cached.run()];
    await expect(first[0]).rejects.toThrow('flaky bug');
    await expect(first[1]).rejects.toThrow('flaky bug');
    expect(await cached).toEqual(ok(2));
    expect(await cached).toEqual(ok(2));
    expect(calls).toBe(2);
  });

  it('one caller aborting does not fail the others, and the value is still cached', async () => {
    let release!: () => void;
    const thunk = jest.fn(
      (signal: AbortSignal) =>
        new Promise<number>((r) => {
          expect(signal.aborted).toBe(false);
          release = () => r(7);
        }),
    );
    const cached = MonoResult.fromPromise(thunk, String).cache();
    const ac = new AbortController();
    const leaving = cached.run(ac.signal);
    const staying = cached.run();
    ac.abort('bye');
    await expect(leaving).rejects.toBe('bye');
    release();
    expect(await staying).toEqual(ok(7));
    expect(await cached).toEqual(ok(7));
    expect(thunk).toHaveBeenCalledTimes(1);
  });

  it('operators after cache run per run, the source once', async () => {
    const thunk = jest.fn(async () => 1);
    const cached = MonoResult.fromPromise(thunk, String).cache();
    const step = jest.fn((n: number) => n + 1);
    const chained = cached.map(step);
    expect(await chained).toEqual(ok(2));
    expect(await chained).toEqual(ok(2));
    expect(thunk).toHaveBeenCalledTimes(1);
    expect(step).toHaveBeenCalledTimes(2);
  });
});
