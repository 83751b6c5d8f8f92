// MonoResult runs: defects (throws and rejections reject the run, never escape unhandled)
// and toObservable.
import { getEventListeners } from 'node:events';
import { firstValueFrom, toArray } from 'rxjs';
import { ok, Ok, type Result } from './result';
import { MonoResult } from './mono-result';

const boom = new Error('boom');

// Jest 30 fails the running test on an unhandled rejection, so every test below also checks
// that no defect escapes as one; this flushes late ones into the test that caused them.
afterEach(() => new Promise((r) => setImmediate(r)));

describe('MonoResult defects', () => {
  it('a thunk that throws synchronously rejects the run (not an Err)', async () => {
    const m = MonoResult.fromAsync((): Result<number, string> => {
      throw boom;
    });
    await expect(m.run()).rejects.toBe(boom);
    await expect(m.run(new AbortController().signal)).rejects.toBe(boom);
  });

  it('a callback that throws rejects the run', async () => {
    const fns = [
      MonoResult.ok(1).map(() => {
        throw boom;
      }),
      MonoResult.err(1).mapErr(() => {
        throw boom;
      }),
      MonoResult.ok(1).flatMap(() => {
        throw boom;
      }),
      MonoResult.err(1).recover(() => {
        throw boom;
      }),
      MonoResult.ok(1).filter(
        () => {
          throw boom;
        },
        () => 'e',
      ),
      MonoResult.defer(() => {
        throw boom;
      }),
      MonoResult.fromPromise<number, string>(
        () => Promise.reject(new Error('x')),
        () => {
          throw boom;
        },
      ),
    ];
    for (const m of fns) await expect(m.run()).rejects.toBe(boom);
  });

  it('await on a defective mono rejects (then passes the rejection)', async () => {
    const m = MonoResult.ok(1).map(() => {
      throw boom;
    });
    await expect(
      (async () => {
        await m;
      })(),
    ).rejects.toBe(boom);
  });

  it('a defect is never an unhandled rejection, even when nobody awaits a late one', async () => {
    const ac = new AbortController();
    const late = MonoResult.fromAsync(
      () =>
        new Promise<Result<number, never>>((_, reject) =>
          setImmediate(() => reject(boom)),
        ),
    ).timeout(1_000);
    const run = late.run(ac.signal);
    ac.abort(new Error('gone'));
    await expect(run).rejects.toThrow('gone');
    await new Promise((r) => setImmediate(r));
    // afterEach checks that the late rejection did not escape
  });
});

describe('MonoResult.toObservable', () => {
  it('emits the Result once and completes; runs on each subscribe', async () => {
    const thunk = jest.fn(async () => 1);
    const obs = MonoResult.fromPromise(thunk, String).toObservable();
    expect(thunk).not.toHaveBeenCalled();
    expect(await firstValueFrom(obs.pipe(toArray()))).toEqual([ok(1)]);
    expect(await firstValueFrom(obs)).toBeInstanceOf(Ok);
    expect(thunk).toHaveBeenCalledTimes(2);
  });

  it('does not abort the signal of a run that already settled', async () => {
    let seen: AbortSignal | undefined;
    const obs = MonoResult.fromPromise(async (signal) => {
      seen = signal;
      return 1;
    }, String).toObservable();
    expect(await firstValueFrom(obs)).toEqual(ok(1));
    expect(seen?.aborted).toBe(false);
  });

  it('errors on a defect and aborts the run on unsubscribe', async () => {
    await expect(
      firstValueFrom(
        MonoResult.fromAsync(() => Promise.reject(boom)).toObservable(),
      ),
    ).rejects.toBe(boom);
    let seen: AbortSignal | undefined;
    const sub = MonoResult.fromPromise((signal) => {
      seen = signal;
      return new Promise<number>(() => undefined);
    }, String)
      .toObservable()
      .subscribe();
    sub.unsubscribe();
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as Error).name).toBe('AbortError');
  });
});

describe('MonoResult runs with a signal', () => {
  const stop = new Error('stop');

  it('rejects with the reason when a synchronous step aborts the run', async () => {
    const ac = new AbortController();
    const after = jest.fn((n: number) => n);
    const run = MonoResult.ok(1)
      .map((n) => {
        ac.abort(stop);
        return n;
      })
      .map(after)
      .run(ac.signal);
    await expect(run).rejects.toBe(stop);
  });

  it('rejects with the reason (not the step error) when a step aborts, then throws', async () => {
    const ac = new AbortController();
    const run = MonoResult.ok(1)
      .map(() => {
        ac.abort(stop);
        throw boom;
      })
      .run(ac.signal);
    await expect(run).rejects.toBe(stop);
  });

  it('rejects at once on abort while a step is pending, and the late outcome is dropped', async () => {
    const ac = new AbortController();
    let finish: (r: Result<number, never>) => void = () => undefined;
    const run = MonoResult.ok(1)
      .flatMap(() => new Promise<Result<number, never>>((r) => (finish = r)))
      .run(ac.signal);
    ac.abort(stop);
    await expect(run).rejects.toBe(stop);
    finish(ok(2));
  });

  it('leaves no abort listener on the signal once a run settles', async () => {
    const ac = new AbortController();
    await MonoResult.ok(1)
      .map((n) => n + 1)
      .run(ac.signal);
    await MonoResult.ok(1)
      .flatMap(async (n) => ok(n + 1))
      .run(ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});
