import {
  Subject,
  bufferCount,
  firstValueFrom,
  map,
  of,
  throwError,
  toArray,
} from 'rxjs';
import { err, ok, Ok, Result } from './result';
import { FluxResult } from './flux-result';
import { MonoResult } from './mono-result';
import { RfsError } from './rfs.error';
import { ErrorCode } from './error-code';

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

describe('FluxResult per-item operators', () => {
  const mixed = () =>
    FluxResult.fromResults<number, string>([ok(1), err('e'), ok(3)]);

  it('map/mapErr touch only their branch', async () => {
    expect(
      await mixed()
        .map((n) => n * 10)
        .toArray(),
    ).toEqual(ok([ok(10), err('e'), ok(30)]));
    expect(
      await mixed()
        .mapErr((e) => e.toUpperCase())
        .toArray(),
    ).toEqual(ok([ok(1), err('E'), ok(3)]));
  });

  it('filter keeps Errs and drops failing Oks; a throwing predicate is a defect', async () => {
    expect(
      await mixed()
        .filter((n) => n > 1)
        .toArray(),
    ).toEqual(ok([err('e'), ok(3)]));
    await expect(
      mixed()
        .filter(() => {
          throw boom;
        })
        .toArray()
        .run(),
    ).rejects.toBe(boom);
  });

  it('tapOk/tapErr observe without changing the stream', async () => {
    const seen: unknown[] = [];
    const r = await mixed()
      .tapOk((v) => {
        seen.push(v);
        throw boom;
      })
      .tapErr((e) => seen.push(e))
      .toArray();
    expect(r).toEqual(ok([ok(1), err('e'), ok(3)]));
    expect(seen).toEqual([1, 'e', 3]);
  });

  it('take/skip count items of both kinds', async () => {
    expect(await mixed().skip(1).take(1).toArray()).toEqual(ok([err('e')]));
  });

  it('flatMap accepts Result, MonoResult, Promise and Observable; Errs skip it', async () => {
    const fn = jest.fn((n: number) =>
      n === 1
        ? ok(n)
        : n === 3
          ? MonoResult.ok(n * 2)
          : Promise.resolve(err('x')),
    );
    const r = await mixed().flatMap(fn).toArray();
    expect(r).toEqual(ok([ok(1), err('e'), ok(6)]));
    expect(fn).toHaveBeenCalledTimes(2);
    const many = await FluxResult.ok(1, 2)
      .flatMap((n) => of(ok(n), ok(-n)))
      .collect();
    expect(many).toEqual(ok([1, -1, 2, -2]));
  });

  it('flatMap with a callback returning a non-Result is a defect naming the callback', async () => {
    await expect(
      FluxResult.ok(1)
        .flatMap(() => 5 as unknown as Result<number, never>)
        .collect()
        .run(),
    ).rejects.toThrow(/flatMap callback must return a Result.*got number/);
  });

  it.each([
    ['ordered', true, 4],
    ['unordered', false, 4],
    ['sequential', true, 1],
  ])(
    'flatMap (%s): a Promise or Observable of a non-Result is a defect naming the callback',
    async (_, ordered, concurrency) => {
      const bad = [
        () => Promise.resolve(7),
        () => of(ok(1), 'x'),
      ] as unknown as (() => Result<number, never>)[];
      for (const fn of bad) {
        await expect(
          FluxResult.ok(1, 2)
            .flatMap(fn, { ordered, concurrency })
            .collect()
            .run(),
        ).rejects.toThrow(
          /flatMap callback must return a Result.*got (number|string)/,
        );
      }
    },
  );

  it.each([
    ['ordered', true],
    ['unordered', false],
  ])(
    'flatMap (%s) with an async callback: at most `concurrency` promises pending, every item once',
    async (_, ordered) => {
      const pending: { n: number; resolve: () => void }[] = [];
      let maxPending = 0;
      const run = FluxResult.from([0, 1, 2, 3, 4, 5, 6])
        .flatMap(
          (n) =>
            new Promise<Result<number, never>>((resolve) => {
              pending.push({ n, resolve: () => resolve(ok(n * 10)) });
              maxPending = Math.max(maxPending, pending.length);
            }),
          { concurrency: 3, ordered },
        )
        .toArray()
        .run();
      const settled: number[] = [];
      // settle the newest pending promise first: completion order is never input order
      while (settled.length < 7) {
        await new Promise((r) => setImmediate(r));
        const last = pending.pop();
        if (last === undefined) continue;
        settled.push(last.n);
        last.resolve();
      }
      const out = (await run).unwrapOr([]).map((r) => r.unwrapOr(-1));
      expect(maxPending).toBe(3);
      expect([...settled].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(out).toEqual(
        (ordered ? [0, 1, 2, 3, 4, 5, 6] : settled).map((n) => n * 10),
      );
    },
  );

  it('flatMap: a rejected promise from the callback is a defect (the run rejects with it)', async () => {
    for (const ordered of [true, false]) {
      await expect(
        FluxResult.ok(1, 2, 3)
          .flatMap((n) => (n === 2 ? Promise.reject(boom) : ok(n)), {
            ordered,
          })
          .collect()
          .run(),
      ).rejects.toBe(boom);
    }
  });

  it('flatMap rejects a bad concurrency with a clear message', () => {
    expect(() =>
      FluxResult.ok(1).flatMap((n) => ok(n), { concurrency: 0 }),
    ).toThrow(
      'flatMapOk: "concurrency" must be an integer ≥ 1 (or Infinity); got 0',
    );
  });

  it('pipe applies RxJS operators to the Results', async () => {
    const r = await FluxResult.ok(1, 2, 3, 4)
      .pipe(
        bufferCount(2),
        map((pair) => Result.all(pair).map((xs) => xs[0] + xs[1])),
      )
      .collect();
    expect(r).toEqual(ok([3, 7]));
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

describe('FluxResult terminals', () => {
  it('are lazy MonoResults: nothing subscribes before run', async () => {
    const subject = new Subject<Result<number, never>>();
    const collected = FluxResult.fromResults(subject).collect();
    expect(subject.observed).toBe(false);
    const p = collected.run();
    expect(subject.observed).toBe(true);
    subject.next(ok(1));
    subject.complete();
    expect(await p).toEqual(ok([1]));
  });

  it('collect is fail-fast and unsubscribes upstream at the first Err', async () => {
    const subject = new Subject<Result<number, string>>();
    const p = FluxResult.fromResults(subject).collect().run();
    subject.next(ok(1));
    subject.next(err('first'));
    expect(subject.observed).toBe(false);
    expect(await p).toEqual(err('first'));
  });

  it('collect stops an infinite synchronous source at the first Err', async () => {
    function* forever() {
      for (let i = 0; ; i++) yield i === 2 ? err(`bad ${i}`) : ok(i);
    }
    expect(await FluxResult.fromResults(forever()).collect()).toEqual(
      err('bad 2'),
    );
  });

  it('collect aborts MonoResults still in flight when it fails fast', async () => {
    const aborted: number[] = [];
    const r = await FluxResult.ok(1, 2, 3)
      .flatMap((n) =>
        n === 1
          ? MonoResult.err('no')
          : MonoResult.fromPromise(
              (signal) =>
                new Promise<number>((_, reject) =>
                  signal.addEventListener('abort', () => {
                    aborted.push(n);
                    reject(signal.reason);
                  }),
                ),
              String,
            ),
      )
      .collect();
    expect(r).toEqual(err('no'));
    expect(aborted.sort()).toEqual([2, 3]);
  });

  it('collectAll gathers every error; partition splits', async () => {
    const flux = FluxResult.fromResults<number, string>([
      ok(1),
      err('a'),
      ok(2),
      err('b'),
    ]);
    expect(await flux.collectAll()).toEqual(err(['a', 'b']));
    expect(await FluxResult.ok(1, 2).collectAll()).toEqual(ok([1, 2]));
    expect(await flux.partition()).toEqual(
      ok({ oks: [1, 2], errs: ['a', 'b'] }),
    );
  });

  it('stats counts items; an empty stream is all-ok with successRate 1', async () => {
    const flux = FluxResult.fromResults<number, string>([
      ok(1),
      err('a'),
      ok(2),
      ok(3),
    ]);
    expect(await flux.stats()).toEqual(
      ok({ total: 4, ok: 3, err: 1, successRate: 0.75, isAllOk: false }),
    );
    expect(await FluxResult.empty().stats()).toEqual(
      ok({ total: 0, ok: 0, err: 0, successRate: 1, isAllOk: true }),
    );
  });

  it('first gives the first item, or a NOT_FOUND RfsError / emptyErr() on empty', async () => {
    expect(await FluxResult.ok(5, 6).first()).toEqual(ok(5));
    const empty = await FluxResult.empty<number>().first();
    expect(empty.isErr() && empty.error).toBeInstanceOf(RfsError);
    expect((empty as { error: RfsError }).error.code).toBe(ErrorCode.NOT_FOUND);
    expect(await FluxResult.empty<number>().first(() => 'none')).toEqual(
      err('none'),
    );
  });

  it('an error notification is a defect: the terminal run rejects', async () => {
    const flux = FluxResult.from(throwError(() => boom));
    for (const t of [
      flux.collect(),
      flux.collectAll(),
      flux.stats(),
      flux.toArray(),
    ]) {
      await expect(t.run()).rejects.toBe(boom);
    }
  });

  it('aborting a terminal run unsubscribes and rejects with the reason', async () => {
    const subject = new Subject<Result<number, never>>();
    const ac = new AbortController();
    const p = FluxResult.fromResults(subject).collectAll().run(ac.signal);
    expect(subject.observed).toBe(true);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(subject.observed).toBe(false);
  });

  it('terminal results are Ok instances (usable with the Result API)', async () => {
    expect(await FluxResult.ok(1).collect()).toBeInstanceOf(Ok);
  });
});
