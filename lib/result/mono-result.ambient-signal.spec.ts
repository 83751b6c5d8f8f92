import { ok, type Result } from './result';
import {
  currentAbortSignal,
  MonoResult,
  runWithAbortSignal,
  runWithoutAbortSignal,
} from './mono-result';

// Jest 30 fails the running test on an unhandled rejection; flush late ones into their test.
afterEach(() => new Promise((r) => setImmediate(r)));

/** A mono whose thunk records the signal it was given and yields `ok(n)`. */
function recording(seen: AbortSignal[], n = 1): MonoResult<number, never> {
  return MonoResult.fromAsync((signal) => {
    seen.push(signal);
    return Promise.resolve(ok(n));
  });
}

/** A mono that waits until its signal aborts (and records that it saw the abort). */
function waitingForAbort(seen: {
  aborted?: boolean;
}): MonoResult<number, string> {
  return MonoResult.fromPromise<number, string>(
    (signal) =>
      new Promise<number>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          seen.aborted = signal.aborted;
          reject(signal.reason as Error);
        });
      }),
    () => 'mapped',
  );
}

/** Runs `mono` the way Nest's async handler wrapper does: `await` on a thenable. */
async function adopt<T>(value: PromiseLike<T>): Promise<T> {
  return await value;
}

describe('MonoResult outside runWithAbortSignal (scripts, workers)', () => {
  it('every signal-less run, nested awaited ones included, gets the same never-aborting signal', async () => {
    const seen: AbortSignal[] = [];
    const inner = recording(seen, 2);
    const outer = recording(seen).flatMap(async (n) => {
      const r = await inner; // awaited by hand inside a callback
      return r.map((m) => n + m);
    });
    expect(await outer).toEqual(ok(3));
    expect(await outer.run()).toEqual(ok(3));
    expect(await adopt(outer)).toEqual(ok(3));
    expect(seen).toHaveLength(6);
    for (const s of seen) {
      expect(s).toBe(seen[0]);
      expect(s.aborted).toBe(false);
    }
    expect(currentAbortSignal()).toBeUndefined();
  });

  it('an aborted context that ended does not leak into later runs started outside it', async () => {
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await expect(
      runWithAbortSignal(ac.signal, () => MonoResult.ok(1).run()),
    ).rejects.toThrow('gone');
    const seen: AbortSignal[] = [];
    expect(await recording(seen)).toEqual(ok(1));
    expect(seen[0].aborted).toBe(false);
  });
});

describe('runWithAbortSignal', () => {
  it('run(), await, toPromise() and thenable adoption by async code use the ambient signal', async () => {
    const ac = new AbortController();
    const seen: AbortSignal[] = [];
    const mono = recording(seen);
    const results = await runWithAbortSignal(ac.signal, () =>
      Promise.all([
        mono.run(),
        mono.toPromise(),
        adopt(mono),
        (async () => await mono)(),
      ]),
    );
    expect(results).toEqual([ok(1), ok(1), ok(1), ok(1)]);
    expect(seen).toEqual([ac.signal, ac.signal, ac.signal, ac.signal]);
  });

  it('reaches async continuations started inside it (after awaits and timers)', async () => {
    const ac = new AbortController();
    const seen: AbortSignal[] = [];
    await runWithAbortSignal(ac.signal, async () => {
      await Promise.resolve();
      await new Promise((r) => setImmediate(r));
      await recording(seen);
      expect(currentAbortSignal()).toBe(ac.signal);
    });
    expect(seen).toEqual([ac.signal]);
  });

  it('a client abort rejects `await mono` with the reason; the thunk sees its signal aborted', async () => {
    const ac = new AbortController();
    const seen: { aborted?: boolean } = {};
    const reason = new Error('client went away');
    const awaited = runWithAbortSignal(ac.signal, async () => {
      const r = await waitingForAbort(seen);
      return r;
    });
    await new Promise((r) => setImmediate(r));
    ac.abort(reason);
    await expect(awaited).rejects.toBe(reason);
    expect(seen.aborted).toBe(true);
  });

  it('a MonoResult awaited inside a flatMap callback gets the ambient signal too', async () => {
    const ac = new AbortController();
    const seen: AbortSignal[] = [];
    const inner = recording(seen, 2);
    // The outer mono runs inside the context (as Nest adopts a handler's mono inside it); a
    // mono merely returned from the context and awaited outside it runs without the signal.
    const r = await runWithAbortSignal(ac.signal, () =>
      MonoResult.ok(1)
        .flatMap(async (n) => (await inner).map((m) => n + m))
        .run(),
    );
    expect(r).toEqual(ok(3));
    expect(seen).toEqual([ac.signal]);
  });

  it('an explicit run(signal) wins over the ambient signal', async () => {
    const ambient = new AbortController();
    const explicit = new AbortController();
    const seen: AbortSignal[] = [];
    await runWithAbortSignal(ambient.signal, () =>
      recording(seen).run(explicit.signal),
    );
    expect(seen).toEqual([explicit.signal]);
  });

  it('is lazy: the signal function runs only when a MonoResult runs', async () => {
    const ac = new AbortController();
    const source = jest.fn(() => ac.signal);
    const seen: AbortSignal[] = [];
    const plain = await runWithAbortSignal(source, async () => {
      await Promise.resolve();
      return 'no mono here';
    });
    expect(plain).toBe('no mono here');
    expect(source).not.toHaveBeenCalled();
    const r = await runWithAbortSignal(source, () => adopt(recording(seen)));
    expect(r).toEqual(ok(1));
    expect(source).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([ac.signal]);
  });

  it('nests: the inner context wins inside it, the outer one is back after it', async () => {
    const outer = new AbortController();
    const inner = new AbortController();
    await runWithAbortSignal(outer.signal, async () => {
      await runWithAbortSignal(inner.signal, async () => {
        expect(currentAbortSignal()).toBe(inner.signal);
      });
      expect(currentAbortSignal()).toBe(outer.signal);
    });
    expect(currentAbortSignal()).toBeUndefined();
  });

  it('runWithoutAbortSignal detaches work from the ambient signal', async () => {
    const ac = new AbortController();
    const seen: AbortSignal[] = [];
    const detached = runWithAbortSignal(ac.signal, () =>
      runWithoutAbortSignal(async () => {
        ac.abort(new Error('gone'));
        return recording(seen);
      }),
    );
    expect(await detached).toEqual(ok(1));
    expect(seen[0]).not.toBe(ac.signal);
    expect(seen[0].aborted).toBe(false);
  });

  it("cache(): the shared execution does not use the first caller's ambient signal", async () => {
    const first = new AbortController();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const innerSignals: AbortSignal[] = [];
    const cached = MonoResult.fromAsync(
      async (): Promise<Result<number, string>> => {
        await gate;
        // a mono awaited by hand inside the shared source
        return (await recording(innerSignals, 5)).map((n) => n * 2);
      },
    ).cache();
    const firstRun = runWithAbortSignal(first.signal, () => cached.run());
    const secondRun = cached.run();
    first.abort(new Error('first caller gone'));
    await expect(firstRun).rejects.toThrow('first caller gone');
    release();
    expect(await secondRun).toEqual(ok(10));
    expect(innerSignals).toHaveLength(1);
    expect(innerSignals[0].aborted).toBe(false);
  });

  it('rejects a bad signal argument with an error naming it', () => {
    expect(() => runWithAbortSignal('nope' as never, () => 1)).toThrow(
      /runWithAbortSignal: `signal` must be an AbortSignal, a function returning one or a LazyAbortSignal; got string/,
    );
  });

  it('a signal function that returns no AbortSignal makes the run reject with a clear error', async () => {
    await expect(
      runWithAbortSignal(
        () => ({}) as AbortSignal,
        () => MonoResult.ok(1).run(),
      ),
    ).rejects.toThrow(
      /the `signal` function must return an AbortSignal; got Object/,
    );
  });
});
