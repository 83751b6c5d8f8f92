import { err, ok } from './result';
import { MonoResult } from './mono-result';

afterEach(() => new Promise((r) => setImmediate(r)));

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
