import { expectTypeOf } from 'expect-type';
import {
  Err,
  Ok,
  Result,
  err,
  isResult,
  ok,
  type ErrType,
  type OkType,
} from './result';
import { RfsError } from './rfs.error';

// Ok/Err constructors, narrowing and helper types; the methods, JSON, statics and gen have
// their own spec files (result.<concern>.spec.ts).
// Type-level assertions (expectTypeOf) are checked by `npm run typecheck`; at run time they
// are no-ops, so every behaviour below is also asserted with a value.

const parse = (s: string): Result<number, 'NaN'> => {
  const n = Number(s);
  return Number.isNaN(n) ? err('NaN') : ok(n);
};

describe('ok / err constructors', () => {
  it('ok(value) is an Ok holding the value', () => {
    const r = ok(42);
    expect(r).toBeInstanceOf(Ok);
    expect(r.value).toBe(42);
    expectTypeOf(r).toEqualTypeOf<Ok<number, never>>();
  });

  it('ok() with no argument holds undefined and is typed void', () => {
    const r = ok();
    expect(r.value).toBeUndefined();
    expectTypeOf(r).toEqualTypeOf<Ok<void, never>>();
  });

  it('err(error) is an Err holding the error', () => {
    const e = RfsError.notFound('order', 1);
    const r = err(e);
    expect(r).toBeInstanceOf(Err);
    expect(r.error).toBe(e);
    expectTypeOf(r).toEqualTypeOf<Err<never, RfsError>>();
  });

  it('Result.ok and Result.err are the same constructors', () => {
    expect(Result.ok).toBe(ok);
    expect(Result.err).toBe(err);
  });

  it('an Err captures no stack of its own', () => {
    const r = err('boom');
    expect(Object.keys(r)).toEqual(['error']);
    expect('stack' in r).toBe(false);
  });

  it('Ok and Err are assignable to a wider Result type', () => {
    const a: Result<number, string> = ok(1);
    const b: Result<number, string> = err('x');
    expect([a.isOk(), b.isOk()]).toEqual([true, false]);
    // @ts-expect-error an Ok<string> is not a Result<number, …>
    const c: Result<number, string> = ok('no');
    // @ts-expect-error an Err<never, number> is not a Result<…, string>
    const d: Result<number, string> = err(1);
    expect([c, d]).toHaveLength(2);
  });
});

describe('structural equality (Jest toEqual)', () => {
  it('compares Results by branch and content', () => {
    expect(ok(1)).toEqual(ok(1));
    expect(ok({ a: [1] })).toEqual(ok({ a: [1] }));
    expect(ok(1)).not.toEqual(ok(2));
    expect(err('a')).toEqual(err('a'));
    expect(err('a')).not.toEqual(err('b'));
    expect(ok(1)).not.toEqual(err(1));
    expect(ok(err('a'))).not.toEqual(ok(err('b')));
  });
});

describe('isOk / isErr narrowing', () => {
  it('narrows to Ok after isOk() and to Err in the else branch', () => {
    const r = parse('7');
    if (r.isOk()) {
      expectTypeOf(r).toEqualTypeOf<Ok<number, 'NaN'>>();
      expectTypeOf(r.value).toEqualTypeOf<number>();
      expect(r.value).toBe(7);
    } else {
      expectTypeOf(r).toEqualTypeOf<Err<number, 'NaN'>>();
      throw new Error('expected Ok');
    }
  });

  it('narrows to Err after isErr() and to Ok in the else branch', () => {
    const r = parse('x');
    if (r.isErr()) {
      expectTypeOf(r.error).toEqualTypeOf<'NaN'>();
      expect(r.error).toBe('NaN');
    } else {
      expectTypeOf(r.value).toEqualTypeOf<number>();
      throw new Error('expected Err');
    }
    expect(ok(1).isErr()).toBe(false);
    expect(err(1).isOk()).toBe(false);
  });

  it('does not expose .value or .error before narrowing', () => {
    const r = parse('1');
    // @ts-expect-error value exists only on Ok
    expect(r.value).toBe(1);
    // @ts-expect-error error exists only on Err
    expect(r.error).toBeUndefined();
  });

  it('isResult recognises Ok and Err only', () => {
    expect(isResult(ok(1))).toBe(true);
    expect(isResult(err(1))).toBe(true);
    expect(isResult({ ok: true, value: 1 })).toBe(false);
    expect(isResult(null)).toBe(false);
    expect(Result.isResult).toBe(isResult);
  });
});

describe('helper types', () => {
  it('OkType and ErrType extract the parts of a Result type', () => {
    type R = Result<{ id: string }, RfsError>;
    expectTypeOf<OkType<R>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<ErrType<R>>().toEqualTypeOf<RfsError>();
    const r: R = ok({ id: 'a' });
    const value: OkType<R> = r.unwrapOr({ id: 'fallback' });
    expect(value).toEqual({ id: 'a' });
  });
});
