import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { err, ok, type Result } from './result';
import {
  filterOk,
  flatMapOk,
  mapErr,
  mapOk,
  tapErr,
  tapOk,
  toResult,
} from './result-operators';
import { FluxResult } from './flux-result';

type R = Result<string, string>;

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) =>
    expect(actual).toEqual(expected),
  );
});

const values: Record<string, R> = {
  a: ok('a'),
  b: ok('b'),
  c: ok('c'),
  e: err('e'),
  A: ok('A'),
  B: ok('B'),
  C: ok('C'),
  E: err('E'),
};

describe('mapOk / mapErr / filterOk / tapOk / tapErr', () => {
  it('touch only their branch and keep timing', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const src = cold<R>('-a-e-b|', values);
      expectObservable(src.pipe(mapOk((s) => s.toUpperCase()))).toBe(
        '-A-e-B|',
        values,
      );
      expectObservable(src.pipe(mapErr((s) => s.toUpperCase()))).toBe(
        '-a-E-b|',
        values,
      );
      expectObservable(src.pipe(filterOk((s) => s !== 'a'))).toBe(
        '---e-b|',
        values,
      );
    });
  });

  it('tapOk/tapErr see their branch and a throwing observer changes nothing', () => {
    const seen: string[] = [];
    scheduler.run(({ cold, expectObservable }) => {
      const src = cold<R>('-a-e|', values);
      expectObservable(
        src.pipe(
          tapOk((v) => {
            seen.push(`ok:${v}`);
            throw new Error('observer');
          }),
          tapErr((e) => seen.push(`err:${e}`)),
        ),
      ).toBe('-a-e|', values);
    });
    expect(seen).toEqual(['ok:a', 'err:e']);
  });

  it('a throwing mapOk callback is an error notification (a defect)', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const boom = new Error('boom');
      expectObservable(
        cold<R>('-a|', values).pipe(
          mapOk(() => {
            throw boom;
          }),
        ),
      ).toBe('-#', undefined, boom);
    });
  });
});

describe('toResult', () => {
  it('wraps values in Ok and turns an error into one final Err', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const src = cold('-x-y-#', { x: 'a', y: 'b' }, 'down');
      expectObservable(src.pipe(toResult((e) => String(e).toUpperCase()))).toBe(
        '-a-b-(D|)',
        { a: ok('a'), b: ok('b'), D: err('DOWN') },
      );
    });
  });
});

describe('flatMapOk ordering and concurrency (marbles)', () => {
  /** Inner durations: `a` is slow, `b`/`c` are quick. */
  function setup(helpers: { cold: TestScheduler['createColdObservable'] }) {
    const inner = {
      a: helpers.cold<R>('-----(A|)', values),
      b: helpers.cold<R>('-(B|)', values),
      c: helpers.cold<R>('-(C|)', values),
    };
    const project = (v: string): Observable<R> =>
      inner[v as keyof typeof inner];
    return { inner, project };
  }

  it('ordered (default): output keeps input order, inners still run concurrently', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { inner, project } = setup({ cold });
      const src = cold<R>('a-b-c|', values);
      expectObservable(src.pipe(flatMapOk(project, { concurrency: 2 }))).toBe(
        '-----(ABC|)',
        values,
      );
      expectSubscriptions(inner.a.subscriptions).toBe('^----!');
      expectSubscriptions(inner.b.subscriptions).toBe('--^!');
      expectSubscriptions(inner.c.subscriptions).toBe('----^!');
    });
  });

  it('ordered: false emits in completion order', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { project } = setup({ cold });
      const src = cold<R>('a-b-c|', values);
      expectObservable(
        src.pipe(flatMapOk(project, { concurrency: 2, ordered: false })),
      ).toBe('---B-(AC|)', values);
    });
  });

  it('concurrency bounds the inners running at once (the third waits for a slot)', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { inner, project } = setup({ cold });
      const src = cold<R>('(abc)|', values);
      expectObservable(src.pipe(flatMapOk(project, { concurrency: 2 }))).toBe(
        '-----(ABC|)',
        values,
      );
      expectSubscriptions(inner.a.subscriptions).toBe('^----!');
      expectSubscriptions(inner.b.subscriptions).toBe('^!');
      expectSubscriptions(inner.c.subscriptions).toBe('-^!');
    });
  });

  it('concurrency 1 runs inners one after the other', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { project } = setup({ cold });
      const src = cold<R>('(abc)|', values);
      expectObservable(src.pipe(flatMapOk(project, { concurrency: 1 }))).toBe(
        '-----AB(C|)',
        values,
      );
      expectObservable(
        src.pipe(flatMapOk(project, { concurrency: 1, ordered: false })),
      ).toBe('-----AB(C|)', values);
    });
  });

  it('Errs skip the callback; ordered mode holds them behind earlier items', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { project } = setup({ cold });
      const src = cold<R>('a-e|', values);
      expectObservable(src.pipe(flatMapOk(project))).toBe('-----(Ae|)', values);
      expectObservable(src.pipe(flatMapOk(project, { ordered: false }))).toBe(
        '--e--(A|)',
        values,
      );
    });
  });

  it('an inner emitting several items keeps them together in ordered mode', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const src = cold<R>('ab|', values);
      const inner: Record<string, Observable<R>> = {
        a: cold<R>('-A--A|', values),
        b: cold<R>('B-B|', values),
      };
      expectObservable(src.pipe(flatMapOk((v) => inner[v]))).toBe(
        '-A--A(BB|)',
        values,
      );
    });
  });

  it('unsubscribing downstream unsubscribes every running inner', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { inner, project } = setup({ cold });
      const src = cold<R>('a-b|', values);
      expectObservable(src.pipe(flatMapOk(project)), '---!').toBe('-', values);
      expectSubscriptions(inner.a.subscriptions).toBe('^--!');
      expectSubscriptions(inner.b.subscriptions).toBe('--^!');
    });
  });

  it('an inner error is an error notification', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const src = cold<R>('a|', values);
      expectObservable(
        src.pipe(flatMapOk(() => cold<R>('--#', undefined, 'inner'))),
      ).toBe('--#', undefined, 'inner');
    });
  });
});

describe('FluxResult on marbles', () => {
  it('take(2) unsubscribes the source after two items', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot<R>('-a-e-b-c|', values);
      const flux = FluxResult.fromResults(src).take(2);
      expectObservable(flux.toObservable()).toBe('-a-(e|)', values);
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('flatMap with an Observable callback follows the same ordering rules', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const flux = FluxResult.fromResults(cold<R>('ab|', values)).flatMap((v) =>
        cold<R>(v === 'a' ? '---(A|)' : '-(B|)', values),
      );
      expectObservable(flux.toObservable()).toBe('---(AB|)', values);
    });
  });
});
