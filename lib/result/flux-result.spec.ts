import { firstValueFrom, of, toArray } from 'rxjs';
import { err, ok, Result } from './result';
import { FluxResult } from './flux-result';

// FluxResult constructors and views; per-item operators and terminals have their own spec files
// (flux-result.operators.spec.ts, flux-result.terminals.spec.ts).

const boom = new Error('boom');

afterEach(() => new Promise((r) => setImmediate(r)));

describe('FluxResult constructors', () => {
  it('from(iterable) makes Ok items; ok(...) and empty() too', async () => {
    expect(await FluxResult.from([1, 2]).toArray()).toEqual(ok([ok(1), ok(2)]));
    expect(await FluxResult.ok('a', 'b').collect()).toEqual(ok(['a', 'b']));
    expect(await FluxResult.empty().toArray()).toEqual(ok([]));
  });

  it('from(Observable) and from(AsyncIterable)', async () => {
    async function* gen() {
      yield 1;
      yield 2;
    }
    expect(await FluxResult.from(of(3, 4)).collect()).toEqual(ok([3, 4]));
    expect(await FluxResult.from(gen()).collect()).toEqual(ok([1, 2]));
  });

  it('reads an infinite AsyncIterable lazily: take(3) pulls 3 and closes the generator', async () => {
    let pulled = 0;
    let closed = false;
    async function* naturals() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const r = await FluxResult.from(naturals()).take(3).collect();
    expect(r).toEqual(ok([0, 1, 2]));
    expect(pulled).toBe(3);
    expect(closed).toBe(true);
  });

  it('take before flatMap bounds the reads of an infinite AsyncIterable', async () => {
    let pulled = 0;
    async function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const r = await FluxResult.from(naturals())
      .take(3)
      .flatMap(async (n) => ok(n * 10), { concurrency: 2 })
      .collect();
    expect(r).toEqual(ok([0, 10, 20]));
    expect(pulled).toBe(3);
  });

  it('reads an infinite sync iterable lazily too', async () => {
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    expect(await FluxResult.from(naturals()).take(3).collect()).toEqual(
      ok([0, 1, 2]),
    );
    expect(pulled).toBe(3);
  });

  it('is cold: an iterable source is re-read on each run', async () => {
    const flux = FluxResult.from(new Set([1, 2]));
    expect(await flux.collect()).toEqual(ok([1, 2]));
    expect(await flux.collect()).toEqual(ok([1, 2]));
  });

  it('fromResults keeps Oks and Errs', async () => {
    const r = await FluxResult.fromResults([ok(1), err('e')]).toArray();
    expect(r).toEqual(ok([ok(1), err('e')]));
  });

  it('rejects a bad source with a TypeError naming what is accepted', () => {
    expect(() => FluxResult.from(42 as unknown as number[])).toThrow(
      'FluxResult.from: expected an Iterable, an AsyncIterable or an Observable; got number',
    );
  });

  it('fromAsyncResults bounds concurrency (default 10) and keeps input order', async () => {
    jest.useFakeTimers();
    try {
      let active = 0;
      let peak = 0;
      // later items finish sooner, so completion order differs from input order
      const thunks = Array.from({ length: 30 }, (_, i) => async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 1 + ((30 - i) % 7)));
        active--;
        return ok(i);
      });
      const expected = ok(Array.from({ length: 30 }, (_, i) => i));
      const p = FluxResult.fromAsyncResults(thunks).collect().run();
      await jest.advanceTimersByTimeAsync(1_000);
      expect(await p).toEqual(expected);
      expect(peak).toBe(10);

      peak = 0;
      const p3 = FluxResult.fromAsyncResults(thunks, { concurrency: 3 })
        .collect()
        .run();
      await jest.advanceTimersByTimeAsync(1_000);
      expect(await p3).toEqual(expected);
      expect(peak).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('fromAsyncResults: take() stops the stream and aborts the thunks still running', async () => {
    const started: number[] = [];
    const aborted: number[] = [];
    const thunks = Array.from(
      { length: 20 },
      (_, i) => (signal: AbortSignal) => {
        started.push(i);
        if (i === 0) return Promise.resolve(ok(i));
        return new Promise<Result<number, never>>((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted.push(i);
            reject(signal.reason);
          }),
        );
      },
    );
    const r = await FluxResult.fromAsyncResults(thunks, { concurrency: 3 })
      .take(1)
      .collect();
    expect(r).toEqual(ok([0]));
    expect(started).toEqual([0, 1, 2]); // the 4th never starts
    expect(aborted.sort()).toEqual([1, 2]);
  });

  it('fromAsyncResults: a rejected thunk is a defect unless mapErr is given', async () => {
    const thunks = [async () => ok(1), () => Promise.reject(boom)];
    await expect(
      FluxResult.fromAsyncResults<number, string>(thunks).collectAll().run(),
    ).rejects.toBe(boom);
    expect(
      await FluxResult.fromAsyncResults<number, string>(thunks, {
        mapErr: (e) => (e as Error).message,
      }).collectAll(),
    ).toEqual(err(['boom']));
  });
});

describe('FluxResult views', () => {
  it('oks/errs/toObservable', async () => {
    const flux = FluxResult.fromResults<number, string>([
      ok(1),
      err('e'),
      ok(2),
    ]);
    expect(await firstValueFrom(flux.oks().pipe(toArray()))).toEqual([1, 2]);
    expect(await firstValueFrom(flux.errs().pipe(toArray()))).toEqual(['e']);
    expect(
      await firstValueFrom(flux.toObservable().pipe(toArray())),
    ).toHaveLength(3);
  });
});
