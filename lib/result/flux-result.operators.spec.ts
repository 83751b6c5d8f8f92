import { bufferCount, map, of } from 'rxjs';
import { err, ok, Result } from './result';
import { FluxResult } from './flux-result';
import { MonoResult } from './mono-result';

// FluxResult per-item operators: map/mapErr, filter, tapOk/tapErr, take/skip, flatMap, pipe.

const boom = new Error('boom');

afterEach(() => new Promise((r) => setImmediate(r)));

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
