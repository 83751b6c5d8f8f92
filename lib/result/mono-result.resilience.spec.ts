import { err, ok, type Result } from './result';
import { MonoResult } from './mono-result';

afterEach(() => new Promise((r) => setImmediate(r)));

/** A thunk failing `failures` times, then succeeding; records the fake time of each call. */
function flaky(failures: number) {
  const calls: number[] = [];
  const thunk = jest.fn(async (): Promise<Result<string, string>> => {
    calls.push(Date.now());
    return calls.length <= failures ? err(`fail ${calls.length}`) : ok('done');
  });
  return { calls, thunk, mono: MonoResult.fromAsync(thunk) };
}

describe('MonoResult.retry', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => jest.useRealTimers());

  it('retries an Err up to `times` and returns the first Ok', async () => {
    const { thunk, mono } = flaky(2);
    expect(await mono.retry({ times: 3 })).toEqual(ok('done'));
    expect(thunk).toHaveBeenCalledTimes(3);
  });

  it('returns the last Err after times + 1 attempts', async () => {
    const { thunk, mono } = flaky(10);
    expect(await mono.retry({ times: 2 })).toEqual(err('fail 3'));
    expect(thunk).toHaveBeenCalledTimes(3);
  });

  it('times: 0 runs once', async () => {
    const { thunk, mono } = flaky(10);
    expect(await mono.retry({ times: 0 })).toEqual(err('fail 1'));
    expect(thunk).toHaveBeenCalledTimes(1);
  });

  it('waits delayMs between attempts with fixed backoff', async () => {
    const { calls, mono } = flaky(3);
    const p = mono.retry({ times: 3, delayMs: 100 }).run();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([0]);
    await jest.advanceTimersByTimeAsync(99);
    expect(calls).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([0, 100]);
    await jest.advanceTimersByTimeAsync(200);
    expect(await p).toEqual(ok('done'));
    expect(calls).toEqual([0, 100, 200, 300]);
  });

  it('doubles the delay with exponential backoff, capped by maxDelayMs', async () => {
    const { calls, mono } = flaky(4);
    const p = mono
      .retry({
        times: 4,
        delayMs: 100,
        backoff: 'exponential',
        maxDelayMs: 300,
      })
      .run();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(await p).toEqual(ok('done'));
    // delays 100, 200, 300 (400 capped), 300 (800 capped)
    expect(calls).toEqual([0, 100, 300, 600, 900]);
  });

  it('jitter shortens delays by up to the given fraction', async () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const { calls, mono } = flaky(1);
      const p = mono.retry({ times: 1, delayMs: 100, jitter: true }).run();
      await jest.advanceTimersByTimeAsync(1_000);
      expect(await p).toEqual(ok('done'));
      expect(calls).toEqual([0, 50]);
      const second = flaky(1);
      const p2 = second.mono
        .retry({ times: 1, delayMs: 100, jitter: 0.2 })
        .run();
      await jest.advanceTimersByTimeAsync(1_000);
      await p2;
      expect(second.calls[1] - second.calls[0]).toBe(90);
    } finally {
      random.mockRestore();
    }
  });

  it('retries only errors accepted by `when`', async () => {
    const thunk = jest.fn(async (): Promise<Result<number, string>> =>
      err(thunk.mock.calls.length === 1 ? 'transient' : 'fatal'),
    );
    const r = await MonoResult.fromAsync(thunk).retry({
      times: 5,
      when: (e) => e === 'transient',
    });
    expect(r).toEqual(err('fatal'));
    expect(thunk).toHaveBeenCalledTimes(2);
  });

  it('does not retry a defect', async () => {
    const thunk = jest.fn(() => Promise.reject(new Error('bug')));
    await expect(
      MonoResult.fromAsync(thunk).retry({ times: 3 }).run(),
    ).rejects.toThrow('bug');
    expect(thunk).toHaveBeenCalledTimes(1);
  });

  it('abort during a retry wait stops the timer and rejects with the reason', async () => {
    const { thunk, mono } = flaky(10);
    const ac = new AbortController();
    const p = mono.retry({ times: 5, delayMs: 1_000 }).run(ac.signal);
    await jest.advanceTimersByTimeAsync(500);
    expect(thunk).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(1);
    const reason = new Error('user left');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(thunk).toHaveBeenCalledTimes(1);
  });

  it('each attempt gets the run signal; retry inside timeout is cut by the timeout', async () => {
    const signals: AbortSignal[] = [];
    const m = MonoResult.fromAsync(
      async (signal): Promise<Result<number, string>> => {
        signals.push(signal);
        return err('again');
      },
    )
      .retry({ times: 10, delayMs: 100 })
      .timeout(250);
    const p = m.run();
    await jest.advanceTimersByTimeAsync(250);
    const r = await p;
    expect(r.isErr() && (r.error as { code?: string }).code).toBe(
      'TIMEOUT_ERROR',
    );
    expect(signals).toHaveLength(3); // at 0, 100, 200
    expect(signals.every((s) => s.aborted)).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(signals).toHaveLength(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('validates its options with messages naming the field', () => {
    const m = MonoResult.ok(1);
    expect(() => m.retry({ times: -1 })).toThrow(
      'MonoResult.retry: "times" must be an integer ≥ 0; got -1',
    );
    expect(() => m.retry({ times: 1.5 })).toThrow('"times"');
    expect(() => m.retry({ times: 1, delayMs: -5 })).toThrow(
      'MonoResult.retry: "delayMs" must be a finite number ≥ 0; got -5',
    );
    expect(() => m.retry({ times: 1, backoff: 'linear' as 'fixed' })).toThrow(
      `"backoff" must be 'fixed' or 'exponential'; got linear`,
    );
    expect(() => m.retry({ times: 1, jitter: 2 })).toThrow(
      '"jitter" must be a boolean or a number in [0, 1]; got 2',
    );
  });
});

describe('MonoResult cancellation', () => {
  it('an already-aborted signal rejects without calling the thunk', async () => {
    const thunk = jest.fn(async () => 1);
    const reason = new Error('early');
    await expect(
      MonoResult.fromPromise(thunk, String).run(AbortSignal.abort(reason)),
    ).rejects.toBe(reason);
    expect(thunk).not.toHaveBeenCalled();
  });

  it('abort mid-run rejects with the reason and skips the following thunks', async () => {
    const ac = new AbortController();
    const second = jest.fn(async () => 2);
    let release!: () => void;
    const p = MonoResult.fromPromise(
      () => new Promise<number>((r) => (release = () => r(1))),
      String,
    )
      .flatMap(() => MonoResult.fromPromise(second, String))
      .run(ac.signal);
    await Promise.resolve();
    ac.abort('stop');
    await expect(p).rejects.toBe('stop');
    release();
    await new Promise((r) => setImmediate(r));
    expect(second).not.toHaveBeenCalled();
  });

  it('a fromPromise rejection caused by the abort is not mapped to an Err', async () => {
    const ac = new AbortController();
    const mapErr = jest.fn(() => 'mapped');
    const inner = MonoResult.fromPromise(
      (signal) =>
        new Promise<number>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
      mapErr,
    );
    const p = inner.run(ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
    expect(mapErr).not.toHaveBeenCalled();
  });
});

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

describe('MonoResult combinators', () => {
  it('all over a tuple and a record, typed', async () => {
    const tuple = await MonoResult.all([MonoResult.ok(1), MonoResult.ok('a')]);
    expect(tuple).toEqual(ok([1, 'a']));
    if (tuple.isOk()) {
      const [n, s]: [number, string] = tuple.value;
      expect(n + s).toBe('1a');
    }
    const rec = await MonoResult.all({
      a: MonoResult.ok(1),
      b: MonoResult.ok(true),
    });
    expect(rec).toEqual(ok({ a: 1, b: true }));
    expect(await MonoResult.all([])).toEqual(ok([]));
  });

  it('all: the first Err wins and aborts the others', async () => {
    const aborted: AbortSignal[] = [];
    const pending = MonoResult.fromPromise(
      (signal) =>
        new Promise<number>(() => {
          aborted.push(signal);
        }),
      String,
    );
    const r = await MonoResult.all([
      pending,
      MonoResult.fromAsync(async () => err('nope')),
      pending,
    ]);
    expect(r).toEqual(err('nope'));
    expect(aborted).toHaveLength(2);
    expect(aborted.every((s) => s.aborted)).toBe(true);
  });

  it('all: a defect aborts the others and rejects', async () => {
    let sibling: AbortSignal | undefined;
    const p = MonoResult.all([
      MonoResult.fromPromise((signal) => {
        sibling = signal;
        return new Promise<number>(() => undefined);
      }, String),
      MonoResult.fromAsync(() => Promise.reject(new Error('bug'))),
    ]).run();
    await expect(p).rejects.toThrow('bug');
    expect(sibling?.aborted).toBe(true);
  });

  it('all respects concurrency and keeps input order', async () => {
    jest.useFakeTimers();
    try {
      let active = 0;
      let peak = 0;
      const item = (i: number, ms: number) =>
        MonoResult.fromPromise(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, ms));
          active--;
          return i;
        }, String);
      const p = MonoResult.all(
        [item(0, 30), item(1, 10), item(2, 20), item(3, 5)],
        {
          concurrency: 2,
        },
      ).run();
      await jest.advanceTimersByTimeAsync(100);
      expect(await p).toEqual(ok([0, 1, 2, 3]));
      expect(peak).toBe(2);
    } finally {
      jest.useRealTimers();
    }
    expect(() => MonoResult.all([], { concurrency: 0 })).toThrow(
      'MonoResult.all: "concurrency" must be an integer ≥ 1 (or Infinity); got 0',
    );
  });

  it('all handles many synchronous monos without growing the stack', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => MonoResult.ok(i));
    const r = await MonoResult.all(many, { concurrency: 4 });
    expect(r.isOk() && r.value.length).toBe(20_000);
  });

  it('allSettled gives every Result', async () => {
    const r = await MonoResult.allSettled({
      a: MonoResult.ok(1),
      b: MonoResult.err('x'),
    });
    expect(r).toEqual(ok({ a: ok(1), b: err('x') }));
  });

  it('any gives the first Ok and aborts the rest; all Errs give every error', async () => {
    let slow: AbortSignal | undefined;
    const r = await MonoResult.any([
      MonoResult.err('a'),
      MonoResult.fromPromise((signal) => {
        slow = signal;
        return new Promise<number>(() => undefined);
      }, String),
      MonoResult.fromPromise(async () => 3, String),
    ]);
    expect(r).toEqual(ok(3));
    expect(slow?.aborted).toBe(true);
    expect(
      await MonoResult.any([MonoResult.err('a'), MonoResult.err('b')]),
    ).toEqual(err(['a', 'b']));
    expect(await MonoResult.any([])).toEqual(err([]));
  });

  it('rejects a non-MonoResult item with a message naming it', () => {
    expect(() =>
      MonoResult.all({
        a: MonoResult.ok(1),
        b: 2 as unknown as MonoResult<number>,
      }),
    ).toThrow('MonoResult.all: item "b" is not a MonoResult (got number)');
  });

  it('the run signal aborts every running item', async () => {
    const signals: AbortSignal[] = [];
    const item = MonoResult.fromPromise((signal) => {
      signals.push(signal);
      return new Promise<number>(() => undefined);
    }, String);
    const ac = new AbortController();
    const p = MonoResult.all([item, item]).run(ac.signal);
    ac.abort('stop');
    await expect(p).rejects.toBe('stop');
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
  });
});
