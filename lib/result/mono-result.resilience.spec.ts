import { RfsError } from './rfs.error';
import { ErrorCode } from './error-code';
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

describe('MonoResult timeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends with an RfsError TIMEOUT_ERROR and aborts the upstream signal', async () => {
    let upstream: AbortSignal | undefined;
    const m = MonoResult.fromPromise((signal) => {
      upstream = signal;
      return new Promise<number>(() => undefined);
    }, String).timeout(100, { operation: 'loadUser' });
    const p = m.run();
    await jest.advanceTimersByTimeAsync(99);
    expect(upstream?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const r = await p;
    expect(r.isErr()).toBe(true);
    const e = (r as { error: RfsError }).error;
    expect(e).toBeInstanceOf(RfsError);
    expect(e.code).toBe(ErrorCode.TIMEOUT_ERROR);
    expect(e.message).toBe('loadUser timed out after 100 ms');
    expect(upstream?.aborted).toBe(true);
    expect(upstream?.reason).toBe(e);
  });

  it('yields the source Result when it settles in time and clears its timer', async () => {
    const m = MonoResult.fromPromise(
      () => new Promise<number>((r) => setTimeout(() => r(5), 50)),
      String,
    ).timeout(100);
    const p = m.run();
    await jest.advanceTimersByTimeAsync(50);
    expect(await p).toEqual(ok(5));
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with the reason and clears its timer when the run is aborted', async () => {
    const ac = new AbortController();
    let upstream: AbortSignal | undefined;
    const p = MonoResult.fromPromise((signal) => {
      upstream = signal;
      return new Promise<number>(() => undefined);
    }, String)
      .timeout(1_000)
      .run(ac.signal);
    await jest.advanceTimersByTimeAsync(10);
    const reason = new Error('cancelled');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(upstream?.aborted).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('names the field when ms is invalid', () => {
    expect(() => MonoResult.ok(1).timeout(-1)).toThrow(
      'MonoResult.timeout: "ms" must be a finite number ≥ 0; got -1',
    );
  });
});
