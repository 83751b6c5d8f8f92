import { ok } from './result';
import {
  currentAbortSignal,
  MonoResult,
  runWithAbortSignal,
  runWithoutAbortSignal,
} from './mono-result';
import {
  setAmbientSignalProvider,
  type LazyAbortSignal,
} from './mono-result.ambient-signal';

// Jest 30 fails the running test on an unhandled rejection; flush late ones into their test.
afterEach(() => new Promise((r) => setImmediate(r)));

/**
 * A LazyAbortSignal like the HTTP request's: no AbortController until `signal()`; `abort()`
 * before that only marks it, so a signal created later is created aborted.
 */
function lazySource() {
  const reason = new Error('client gone');
  const state = {
    created: 0,
    gone: false,
    ac: undefined as AbortController | undefined,
  };
  const lazy: LazyAbortSignal = {
    get aborted() {
      return state.ac ? state.ac.signal.aborted : state.gone;
    },
    signal() {
      if (state.ac === undefined) {
        state.created++;
        state.ac = new AbortController();
        if (state.gone) state.ac.abort(reason);
      }
      return state.ac.signal;
    },
  };
  const abort = (): void => {
    state.gone = true;
    state.ac?.abort(reason);
  };
  return { lazy, state, abort, reason };
}

/** A promise and the function that resolves it. */
function gate<T>(): { promise: Promise<T>; open: (v: T) => void } {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

describe('a MonoResult run under a LazyAbortSignal', () => {
  it('never creates the signal when no step needs it (thunks without parameters, map, flatMap, defer, orElse)', async () => {
    const { lazy, state } = lazySource();
    const mono = MonoResult.fromPromise(
      () => Promise.resolve(1),
      () => 'e',
    )
      .flatMap((n) => MonoResult.fromAsync(() => Promise.resolve(ok(n + 1))))
      .map((n) => n * 10)
      .flatMap((n) => MonoResult.defer(() => ok(n + 1)))
      .orElse(() => ok(0));
    const r = await runWithAbortSignal(lazy, () => mono.run());
    expect(r).toEqual(ok(21));
    // awaited as a thenable, the way Nest adopts a returned mono
    const adopted = await runWithAbortSignal(lazy, async () => await mono);
    expect(adopted).toEqual(ok(21));
    expect(state.created).toBe(0);
  });

  it('creates the signal once for thunks that declare the parameter, and passes it to them', async () => {
    const { lazy, state } = lazySource();
    const seen: AbortSignal[] = [];
    const mono = MonoResult.fromAsync((signal) => {
      seen.push(signal);
      return Promise.resolve(ok(1));
    }).flatMap(() =>
      MonoResult.fromPromise(
        (signal) => {
          seen.push(signal);
          return 2;
        },
        () => 'e',
      ),
    );
    const r = await runWithAbortSignal(lazy, () => mono.run());
    expect(r).toEqual(ok(2));
    expect(state.created).toBe(1);
    expect(seen).toEqual([state.ac!.signal, state.ac!.signal]);
  });

  it('rejects with the reason, without calling the thunk, when the source aborted before the run', async () => {
    const { lazy, abort, reason } = lazySource();
    abort();
    const thunk = jest.fn(() => Promise.resolve(1));
    const run = runWithAbortSignal(lazy, () =>
      MonoResult.fromPromise(thunk, () => 'e').run(),
    );
    await expect(run).rejects.toBe(reason);
    expect(thunk).not.toHaveBeenCalled();
  });

  it('stops before the next step when the source aborts while a signal-less thunk is pending', async () => {
    const { lazy, abort, reason, state } = lazySource();
    const first = gate<number>();
    const next = jest.fn((n: number) => ok(n));
    const run = runWithAbortSignal(lazy, () =>
      MonoResult.fromPromise(
        () => first.promise,
        () => 'e',
      )
        .flatMap(next)
        .run(),
    );
    abort();
    first.open(1);
    await expect(run).rejects.toBe(reason);
    expect(next).not.toHaveBeenCalled();
    expect(state.created).toBe(1); // created aborted, for the reason
  });

  it('rejects with the reason when the source aborted while its last (signal-less) step ran', async () => {
    const { lazy, abort, reason } = lazySource();
    const only = gate<number>();
    const run = runWithAbortSignal(lazy, () =>
      MonoResult.fromPromise(
        () => only.promise,
        () => 'e',
      ).run(),
    );
    abort();
    only.open(1);
    await expect(run).rejects.toBe(reason);
  });

  it('rejects as soon as the source aborts once a step created the signal (the step is still pending)', async () => {
    const { lazy, abort, reason, state } = lazySource();
    const never = new Promise<number>(() => undefined);
    const run = runWithAbortSignal(lazy, () =>
      MonoResult.fromPromise(
        () => Promise.resolve(1),
        () => 'e',
      )
        .flatMap(() =>
          MonoResult.fromPromise(
            (_signal: AbortSignal) => never,
            () => 'e',
          ),
        )
        .run(),
    );
    await new Promise((r) => setImmediate(r));
    expect(state.created).toBe(1);
    abort();
    await expect(run).rejects.toBe(reason);
  });

  it('hands currentAbortSignal() the created signal', () => {
    const { lazy, state } = lazySource();
    const signal = runWithAbortSignal(lazy, () => currentAbortSignal());
    expect(state.created).toBe(1);
    expect(signal).toBe(state.ac!.signal);
  });
});

describe('timeout and retry under a LazyAbortSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a retry delay creates the signal, and an abort during it stops the pending retries', async () => {
    const { lazy, abort, reason, state } = lazySource();
    let attempts = 0;
    const run = runWithAbortSignal(lazy, () =>
      MonoResult.fromPromise(
        () => {
          attempts++;
          return Promise.reject(new Error('down'));
        },
        () => 'down',
      )
        .retry({ times: 3, delayMs: 1_000 })
        .run(),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    expect(state.created).toBe(1);
    abort();
    await expect(run).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(attempts).toBe(1);
  });

  it('a timeout creates the signal, and a client abort wins over the pending upstream', async () => {
    const { lazy, abort, reason, state } = lazySource();
    const upstream: AbortSignal[] = [];
    const run = runWithAbortSignal(lazy, () =>
      MonoResult.fromPromise(
        (signal) => {
          upstream.push(signal);
          return new Promise<number>(() => undefined);
        },
        () => 'e',
      )
        .timeout(10_000)
        .run(),
    );
    expect(state.created).toBe(1);
    abort();
    await expect(run).rejects.toBe(reason);
    expect(upstream[0].aborted).toBe(true);
  });
});

describe('setAmbientSignalProvider', () => {
  afterEach(() => setAmbientSignalProvider(undefined));

  it('gives signal-less runs the provider’s source; runWithAbortSignal and runWithoutAbortSignal still win', async () => {
    const { lazy, state, abort, reason } = lazySource();
    setAmbientSignalProvider(() => lazy);
    const seen: AbortSignal[] = [];
    const mono = MonoResult.fromAsync((signal) => {
      seen.push(signal);
      return Promise.resolve(ok(1));
    });
    await mono.run();
    expect(seen[0]).toBe(state.ac!.signal);

    const own = new AbortController();
    await runWithAbortSignal(own.signal, () => mono.run());
    expect(seen[1]).toBe(own.signal);
    await runWithoutAbortSignal(() => mono.run());
    expect(seen[2]).not.toBe(state.ac!.signal);
    expect(seen[2].aborted).toBe(false);

    abort();
    await expect(mono.run()).rejects.toBe(reason);
    // a cached source runs detached from the provider's (aborted) signal
    const cached = MonoResult.fromPromise(
      () => Promise.resolve(7),
      () => 'e',
    ).cache();
    await expect(runWithoutAbortSignal(() => cached.run())).resolves.toEqual(
      ok(7),
    );
  });

  it('rejects a provider that is not a function, naming the parameter', () => {
    expect(() => setAmbientSignalProvider('x' as never)).toThrow(
      /setAmbientSignalProvider: `fn` must be a function or undefined; got string/,
    );
  });
});
