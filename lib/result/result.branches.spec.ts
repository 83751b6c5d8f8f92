import { expectTypeOf } from 'expect-type';
import { Result, err, ok } from './result';
import { ResultUnwrapError } from './result-unwrap.error';
import { RfsError } from './rfs.error';

// The methods of Ok and Err: map, mapErr, andThen/flatMap, orElse, match, unwrap*, tap/tapErr.
// Type-level assertions (expectTypeOf) are checked by `npm run typecheck`; at run time they
// are no-ops, so every behaviour below is also asserted with a value.

const parse = (s: string): Result<number, 'NaN'> => {
  const n = Number(s);
  return Number.isNaN(n) ? err('NaN') : ok(n);
};

describe('map', () => {
  it('transforms the value of an Ok', () => {
    const r = ok(2).map((n) => `${n * 21}`);
    expect(r).toEqual(ok('42'));
    expectTypeOf(r).toEqualTypeOf<Result<string, never>>();
  });

  it('returns the same Err instance without calling the callback', () => {
    const e: Result<number, string> = err('e');
    const fn = jest.fn((n: number) => n + 1);
    expect(e.map(fn)).toBe(e);
    expect(fn).not.toHaveBeenCalled();
  });

  it('lets a throwing callback propagate (a defect, never an Err)', () => {
    const boom = new Error('bug');
    expect(() =>
      ok(1).map(() => {
        throw boom;
      }),
    ).toThrow(boom);
  });
});

describe('mapErr', () => {
  it('transforms the error of an Err', () => {
    const r = parse('x').mapErr((e) => RfsError.validation({ input: e }));
    expect(r.isErr() && r.error.code).toBe('VALIDATION_ERROR');
    expectTypeOf(r).toEqualTypeOf<Result<number, RfsError>>();
  });

  it('returns the same Ok instance without calling the callback', () => {
    const o: Result<number, string> = ok(1);
    const fn = jest.fn((e: string) => e.length);
    expect(o.mapErr(fn)).toBe(o);
    expect(fn).not.toHaveBeenCalled();
  });

  it('lets a throwing callback propagate', () => {
    expect(() =>
      err('e').mapErr(() => {
        throw new Error('bug');
      }),
    ).toThrow('bug');
  });
});

describe('andThen / flatMap', () => {
  it('chains a Result-returning step and unions the error types', () => {
    const r = parse('4').andThen((n) =>
      n > 3 ? ok(n * 2) : err('small' as const),
    );
    expect(r).toEqual(ok(8));
    expectTypeOf(r).toEqualTypeOf<Result<number, 'NaN' | 'small'>>();
    expect(parse('1').andThen((n) => (n > 3 ? ok(n) : err('small')))).toEqual(
      err('small'),
    );
  });

  it('returns the same Err instance without calling the step', () => {
    const e = parse('x');
    const fn = jest.fn((n: number) => ok(n));
    expect(e.andThen(fn)).toBe(e);
    expect(e.flatMap(fn)).toBe(e);
    expect(fn).not.toHaveBeenCalled();
  });

  it('flatMap is andThen', () => {
    expect(ok(3).flatMap((n) => ok(n + 1))).toEqual(ok(4));
    expect(ok(3).flatMap(() => err('no'))).toEqual(err('no'));
    expectTypeOf(ok(3).flatMap(() => err('no'))).toEqualTypeOf<
      Result<never, string>
    >();
  });

  it('lets a throwing step propagate', () => {
    expect(() =>
      ok(1).andThen(() => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});

describe('orElse', () => {
  it('recovers from an Err with another Result', () => {
    const r = parse('x').orElse(() => ok(0));
    expect(r).toEqual(ok(0));
    expectTypeOf(r).toEqualTypeOf<Result<number, never>>();
    expect(parse('x').orElse((e) => err(`${e}!`))).toEqual(err('NaN!'));
  });

  it('returns the same Ok instance without calling the callback', () => {
    const o = parse('1');
    const fn = jest.fn(() => ok(0));
    expect(o.orElse(fn)).toBe(o);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('match', () => {
  it('folds each branch with its handler', () => {
    const handlers = {
      ok: (n: number) => `ok:${n}`,
      err: (e: string) => e.length,
    };
    const a = parse('5').match(handlers);
    expectTypeOf(a).toEqualTypeOf<string | number>();
    expect(a).toBe('ok:5');
    expect(parse('x').match(handlers)).toBe(3);
  });
});

describe('unwrapOr / unwrapOrElse', () => {
  it('returns the value of an Ok', () => {
    expect(parse('5').unwrapOr(0)).toBe(5);
    expect(parse('5').unwrapOrElse(() => 0)).toBe(5);
  });

  it('returns the fallback (or its computation from the error) on Err', () => {
    const fallback = parse('x').unwrapOr('none' as const);
    expectTypeOf(fallback).toEqualTypeOf<number | 'none'>();
    expect(fallback).toBe('none');
    expect(parse('x').unwrapOrElse((e) => e.length)).toBe(3);
  });
});

describe('unwrapOrThrow / expect', () => {
  it('return the value of an Ok', () => {
    expect(ok(1).unwrapOrThrow()).toBe(1);
    expect(ok(1).expect('never thrown')).toBe(1);
  });

  it('unwrapOrThrow throws the original error when it is an Error', () => {
    const e = RfsError.conflict('order', 'already paid');
    expect(() => err(e).unwrapOrThrow()).toThrow(e);
  });

  it('unwrapOrThrow wraps a non-Error in ResultUnwrapError with cause', () => {
    const cause = { reason: 'gone' };
    let thrown: unknown;
    try {
      err(cause).unwrapOrThrow();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ResultUnwrapError);
    expect((thrown as ResultUnwrapError).cause).toBe(cause);
    expect((thrown as Error).message).toBe(
      'Called unwrapOrThrow() on an Err: {"reason":"gone"}',
    );
    expect((thrown as Error).name).toBe('ResultUnwrapError');
  });

  it('unwrapOrThrow describes any error value briefly and never fails doing so', () => {
    const long = 'x'.repeat(500);
    expect(() => err(long).unwrapOrThrow()).toThrow(`${'x'.repeat(200)}…`);
    expect(() => err(10n).unwrapOrThrow()).toThrow('on an Err: 10');
    expect(() => err(Object.create(null)).unwrapOrThrow()).toThrow(
      ResultUnwrapError,
    );
    expect(() => err(undefined).unwrapOrThrow()).toThrow(
      'on an Err: undefined',
    );
  });

  it('expect throws ResultUnwrapError with the message and the error as cause', () => {
    const e = RfsError.internal();
    let thrown: unknown;
    try {
      err(e).expect('order must load');
    } catch (x) {
      thrown = x;
    }
    expect(thrown).toBeInstanceOf(ResultUnwrapError);
    expect((thrown as Error).message).toBe('order must load');
    expect((thrown as Error).cause).toBe(e);
  });
});

describe('tap / tapErr', () => {
  it('tap observes the value and returns the same instance', () => {
    const seen: number[] = [];
    const r = ok(3);
    expect(r.tap((n) => seen.push(n))).toBe(r);
    expect(seen).toEqual([3]);
  });

  it('tapErr observes the error and returns the same instance', () => {
    const seen: string[] = [];
    const r = err('e');
    expect(r.tapErr((e) => seen.push(e))).toBe(r);
    expect(seen).toEqual(['e']);
  });

  it('each skips the other branch', () => {
    const fn = jest.fn();
    const o = ok(1);
    const e = err(1);
    expect(o.tapErr(fn)).toBe(o);
    expect(e.tap(fn)).toBe(e);
    expect(fn).not.toHaveBeenCalled();
  });

  it('an observer that throws never changes the result', () => {
    const o = ok(1);
    const e = err('e');
    const thrower = () => {
      throw new Error('observer bug');
    };
    expect(o.tap(thrower)).toBe(o);
    expect(e.tapErr(thrower)).toBe(e);
    expect(o.tap(thrower)).toEqual(ok(1));
  });

  it('an async observer that rejects is handled (no unhandled rejection)', async () => {
    const rejection = Promise.reject(new Error('audit down'));
    const then = jest.spyOn(rejection, 'then');
    const r = err('e');
    expect(r.tapErr(() => rejection)).toBe(r);
    expect(then).toHaveBeenCalledWith(undefined, expect.any(Function));
    const o = ok(1);
    expect(o.tap(async () => Promise.reject(new Error('x')))).toBe(o);
    await new Promise((resolve) => setImmediate(resolve));
  });
});
