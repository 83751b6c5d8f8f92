import { of, Subject, throwError, EMPTY } from 'rxjs';
import { err, ok, type Result } from './result';
import { MonoResult } from './mono-result';

const boom = new Error('boom');

// Jest 30 fails the running test on an unhandled rejection, so every test below also checks
// that no defect escapes as one; this flushes late ones into the test that caused them.
afterEach(() => new Promise((r) => setImmediate(r)));

describe('MonoResult constructors', () => {
  it('ok/err/fromResult yield their Result on await', async () => {
    expect(await MonoResult.ok(1)).toEqual(ok(1));
    expect(await MonoResult.err('e')).toEqual(err('e'));
    expect(await MonoResult.fromResult(err(2))).toEqual(err(2));
  });

  it('fromPromise maps a value to Ok and a rejection to Err via mapErr', async () => {
    const good = MonoResult.fromPromise(
      async () => 5,
      (c) => `mapped:${String(c)}`,
    );
    const bad = MonoResult.fromPromise(
      () => Promise.reject(new Error('x')),
      (c) => `mapped:${(c as Error).message}`,
    );
    expect(await good).toEqual(ok(5));
    expect(await bad).toEqual(err('mapped:x'));
  });

  it('fromPromise maps a synchronous throw of the thunk too (it is the throwing boundary)', async () => {
    const m = MonoResult.fromPromise<number, string>(
      () => {
        throw new Error('sync');
      },
      (c) => (c as Error).message,
    );
    expect(await m).toEqual(err('sync'));
  });

  it('fromAsync passes the Result through and treats a rejection as a defect', async () => {
    expect(await MonoResult.fromAsync(async () => ok(1))).toEqual(ok(1));
    await expect(
      MonoResult.fromAsync(() => Promise.reject(boom)).run(),
    ).rejects.toBe(boom);
  });

  it('fromAsync maps a rejection when mapErr is given', async () => {
    const m = MonoResult.fromAsync<number, string>(
      () => Promise.reject(boom),
      () => 'mapped',
    );
    expect(await m).toEqual(err('mapped'));
  });

  it('fromAsync rejects with a TypeError naming the thunk when it returns a non-Result', async () => {
    const m = MonoResult.fromAsync(
      async () => 42 as unknown as Result<number, never>,
    );
    await expect(m.run()).rejects.toThrow(
      /fromAsync thunk must return a Result.*got number/,
    );
  });

  it('defer builds the mono lazily, once per run', async () => {
    const factory = jest.fn(() => MonoResult.ok(3));
    const m = MonoResult.defer(factory);
    expect(factory).not.toHaveBeenCalled();
    expect(await m).toEqual(ok(3));
    expect(await m).toEqual(ok(3));
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('fromObservable takes the first value, maps errors and empty completion', async () => {
    expect(
      await MonoResult.fromObservable(of(1, 2), String, () => 'empty'),
    ).toEqual(ok(1));
    expect(
      await MonoResult.fromObservable(
        throwError(() => 'bad'),
        (e) => `e:${String(e)}`,
        () => 'empty',
      ),
    ).toEqual(err('e:bad'));
    expect(
      await MonoResult.fromObservable(EMPTY, String, () => 'empty'),
    ).toEqual(err('empty'));
  });

  it('fromObservable unsubscribes after the first value and on abort', async () => {
    const subject = new Subject<number>();
    const first = MonoResult.fromObservable(
      subject,
      String,
      () => 'empty',
    ).run();
    expect(subject.observed).toBe(true);
    subject.next(7);
    expect(await first).toEqual(ok(7));
    expect(subject.observed).toBe(false);

    const ac = new AbortController();
    const aborted = MonoResult.fromObservable(subject, String, () => 'e').run(
      ac.signal,
    );
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(subject.observed).toBe(false);
  });
});

describe('MonoResult laziness', () => {
  it('does not call the thunk before run, and runs it again on each run (cold)', async () => {
    const thunk = jest.fn(async () => 1);
    const m = MonoResult.fromPromise(thunk, String).map((n) => n + 1);
    expect(thunk).not.toHaveBeenCalled();
    expect(await m).toEqual(ok(2));
    expect(await m.run()).toEqual(ok(2));
    expect(await m.toPromise()).toEqual(ok(2));
    expect(thunk).toHaveBeenCalledTimes(3);
  });

  it('passes the run signal to the thunk', async () => {
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    await MonoResult.fromPromise(async (signal) => {
      seen = signal;
      return 1;
    }, String).run(ac.signal);
    ac.abort();
    expect(seen?.aborted).toBe(true);
  });

  it.each([3, 8, 9, 40])(
    'runs a %i-step chain of sync and async steps in order, again on each run',
    async (length) => {
      let m = MonoResult.ok<number[]>([]);
      for (let k = 0; k < length; k++) {
        m =
          k % 3 === 0
            ? m.flatMap(async (xs) => ok([...xs, k]))
            : m.map((xs) => [...xs, k]);
      }
      const expected = ok(Array.from({ length }, (_, k) => k));
      expect(await m).toEqual(expected);
      expect(await m.run(new AbortController().signal)).toEqual(expected);
    },
  );

  it('keeps branches of a shared prefix apart (a chain is immutable)', async () => {
    const base = MonoResult.ok(1).map((n) => n + 1);
    const double = base.map((n) => n * 2);
    const negate = base.flatMap(async (n) => ok(-n));
    const longer = double.map((n) => n + 100);
    expect(await negate).toEqual(ok(-2));
    expect(await double).toEqual(ok(4));
    expect(await longer).toEqual(ok(104));
    expect(await base).toEqual(ok(2));
  });
});

describe('MonoResult operators', () => {
  it('map transforms Ok and skips Err', async () => {
    const fn = jest.fn((n: number) => n * 2);
    expect(await MonoResult.ok(2).map(fn)).toEqual(ok(4));
    expect(await MonoResult.err<string>('e').map(fn)).toEqual(err('e'));
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('mapErr transforms Err and skips Ok', async () => {
    expect(await MonoResult.err('e').mapErr((e) => e.length)).toEqual(err(1));
    expect(await MonoResult.ok(1).mapErr(() => 'x')).toEqual(ok(1));
  });

  it('flatMap accepts a Result, a MonoResult and a Promise of a Result', async () => {
    const m = MonoResult.ok(1)
      .flatMap((n) => ok(n + 1))
      .flatMap((n) => MonoResult.ok(n * 10))
      .flatMap(async (n) => (n > 5 ? ok(String(n)) : err('small' as const)));
    const r: Result<string, 'small'> = await m;
    expect(r).toEqual(ok('20'));
  });

  it('flatMap short-circuits on Err and unions the error types', async () => {
    const next = jest.fn(() => ok(1));
    const m: MonoResult<number, 'a' | 'b'> = MonoResult.err('a' as const)
      .flatMap(next)
      .flatMap(() => err('b' as const));
    expect(await m).toEqual(err('a'));
    expect(next).not.toHaveBeenCalled();
  });

  it('flatMap rejects with a TypeError when the callback returns something else', async () => {
    const m = MonoResult.ok(1).flatMap(
      () => 'nope' as unknown as Result<number, never>,
    );
    await expect(m.run()).rejects.toThrow(
      /flatMap callback must return a Result.*got string/,
    );
  });

  it('recover handles sync and async fallbacks', async () => {
    expect(await MonoResult.err('e').recover((e) => `${e}!`)).toEqual(ok('e!'));
    expect(await MonoResult.err('e').recover(async (e) => `${e}?`)).toEqual(
      ok('e?'),
    );
    expect(await MonoResult.ok(1).recover(() => 2)).toEqual(ok(1));
    expect(await MonoResult.err('e').recoverWith(0)).toEqual(ok(0));
  });

  it('orElse recovers with another Result source', async () => {
    expect(
      await MonoResult.err('e').orElse((e) => MonoResult.err(e.length)),
    ).toEqual(err(1));
    expect(await MonoResult.err('e').orElse(async () => ok('fine'))).toEqual(
      ok('fine'),
    );
  });

  it('tap/tapErr observe without changing the outcome, even when they throw or reject', async () => {
    const seen: unknown[] = [];
    const r1 = await MonoResult.ok(1)
      .tap((v) => {
        seen.push(v);
        throw boom;
      })
      .tap(async () => {
        throw boom;
      });
    const r2 = await MonoResult.err('e')
      .tapErr((e) => {
        seen.push(e);
        throw boom;
      })
      .tapErr(() => Promise.reject(boom));
    expect(r1).toEqual(ok(1));
    expect(r2).toEqual(err('e'));
    expect(seen).toEqual([1, 'e']);
  });

  it('an async tap is awaited before the next step', async () => {
    const order: string[] = [];
    await MonoResult.ok(1)
      .tap(async () => {
        await Promise.resolve();
        order.push('tap');
      })
      .map(() => order.push('map'));
    expect(order).toEqual(['tap', 'map']);
  });

  it('finally runs on Ok, Err and defect; a throwing finally is a defect', async () => {
    const fn = jest.fn();
    await MonoResult.ok(1).finally(fn);
    await MonoResult.err(1).finally(fn);
    await expect(
      MonoResult.ok(1)
        .map(() => {
          throw boom;
        })
        .finally(fn)
        .run(),
    ).rejects.toBe(boom);
    expect(fn).toHaveBeenCalledTimes(3);
    await expect(
      MonoResult.ok(1)
        .finally(() => {
          throw new Error('in finally');
        })
        .run(),
    ).rejects.toThrow('in finally');
  });

  it('filter turns a failing Ok into Err(errorFactory(value))', async () => {
    const m = (n: number) =>
      MonoResult.ok(n).filter(
        (v) => v > 0,
        (v) => `not positive: ${v}`,
      );
    expect(await m(1)).toEqual(ok(1));
    expect(await m(-1)).toEqual(err('not positive: -1'));
  });

  it('zip runs both and yields a pair, or the first Err', async () => {
    expect(await MonoResult.ok(1).zip(MonoResult.ok('a'))).toEqual(
      ok([1, 'a']),
    );
    expect(await MonoResult.ok(1).zip(MonoResult.err('no'))).toEqual(err('no'));
  });

  it('every operator returns a MonoResult', () => {
    const m = MonoResult.ok(1);
    const chained = [
      m.map((x) => x),
      m.mapErr((x) => x),
      m.flatMap((x) => ok(x)),
      m.recover(() => 1),
      m.recoverWith(1),
      m.orElse(() => ok(1)),
      m.tap(() => 1),
      m.tapErr(() => 1),
      m.finally(() => 1),
      m.filter(
        () => true,
        () => 'e',
      ),
      m.zip(m),
      m.timeout(10),
      m.retry({ times: 1 }),
      m.cache(),
      m.logStep('s'),
      m.logError(),
      m.logPerformance('p'),
    ];
    for (const c of chained) expect(c).toBeInstanceOf(MonoResult);
  });
});
