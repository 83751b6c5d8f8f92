import { expectTypeOf } from 'expect-type';
import { Result, err, ok } from './result';
import { RfsError } from './rfs.error';

// Result.all, Result.allErrors and Result.partition.
// Type-level assertions (expectTypeOf) are checked by `npm run typecheck`; at run time they
// are no-ops, so every behaviour below is also asserted with a value.

const parse = (s: string): Result<number, 'NaN'> => {
  const n = Number(s);
  return Number.isNaN(n) ? err('NaN') : ok(n);
};

describe('Result.all', () => {
  it('types a tuple per position', () => {
    const r = Result.all([ok(1), ok('a')]);
    expectTypeOf(r).toEqualTypeOf<Result<[number, string], never>>();
    expect(r).toEqual(ok([1, 'a']));
  });

  it('unions the error types of the tuple', () => {
    const r = Result.all([parse('1'), ok(true), err(RfsError.internal())]);
    expectTypeOf(r).toEqualTypeOf<
      Result<[number, boolean, never], 'NaN' | RfsError>
    >();
  });

  it('returns the first Err (by position) and stops there', () => {
    const first = err('first');
    const r = Result.all([ok(1), first, err('second')]);
    expect(r).toBe(first);
  });

  it('types a record per key', () => {
    const r = Result.all({ user: ok({ id: 1 }), count: parse('3') });
    expectTypeOf(r).toEqualTypeOf<
      Result<{ user: { id: number }; count: number }, 'NaN'>
    >();
    expect(r).toEqual(ok({ user: { id: 1 }, count: 3 }));
  });

  it('returns the first Err of a record in key order', () => {
    const r = Result.all({ a: ok(1), b: err('b'), c: err('c') });
    expect(r).toEqual(err('b'));
  });

  it('handles any length and arrays of unknown length', () => {
    const many = Array.from({ length: 50 }, (_, i) => parse(String(i)));
    const r = Result.all(many);
    expectTypeOf(r).toEqualTypeOf<Result<number[], 'NaN'>>();
    expect(r.isOk() && r.value).toHaveLength(50);
    expect(Result.all([])).toEqual(ok([]));
    expect(Result.all({})).toEqual(ok({}));
  });
});

describe('Result.allErrors', () => {
  it('is Ok of every value when nothing failed', () => {
    const r = Result.allErrors([ok(1), ok('a')]);
    expectTypeOf(r).toEqualTypeOf<Result<[number, string], never[]>>();
    expect(r).toEqual(ok([1, 'a']));
  });

  it('collects every error in input order', () => {
    const r = Result.allErrors([parse('x'), ok(1), err(RfsError.internal())]);
    expectTypeOf(r).toEqualTypeOf<
      Result<[number, number, never], ('NaN' | RfsError)[]>
    >();
    expect(r.isErr() && r.error).toEqual(['NaN', RfsError.internal()]);
  });

  it('works on records', () => {
    const r = Result.allErrors({ a: err('a'), b: ok(2), c: err('c') });
    expectTypeOf(r).toEqualTypeOf<
      Result<{ a: never; b: number; c: never }, string[]>
    >();
    expect(r).toEqual(err(['a', 'c']));
    expect(Result.allErrors({ b: ok(2) })).toEqual(ok({ b: 2 }));
  });
});

describe('Result.partition', () => {
  it('splits values and errors, keeping order', () => {
    const { oks, errs } = Result.partition([
      parse('1'),
      parse('x'),
      parse('2'),
    ]);
    expect(oks).toEqual([1, 2]);
    expect(errs).toEqual(['NaN']);
    expectTypeOf(oks).toEqualTypeOf<number[]>();
    expectTypeOf(errs).toEqualTypeOf<'NaN'[]>();
  });

  it('accepts any iterable, e.g. a generator', () => {
    function* results(): Generator<Result<number, string>> {
      yield ok(1);
      yield err('e');
    }
    expect(Result.partition(results())).toEqual({ oks: [1], errs: ['e'] });
  });
});
