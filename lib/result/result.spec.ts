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
import { ResultUnwrapError } from './result-unwrap.error';
import { RfsError } from './rfs.error';
import type { ErrorJson, ResultJson } from './result-json';

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

describe('toJSON', () => {
  it('serialises an Ok as { ok: true, value }', () => {
    expect(ok({ id: 1 }).toJSON()).toEqual({ ok: true, value: { id: 1 } });
    expect(JSON.stringify(ok([1, 2]))).toBe('{"ok":true,"value":[1,2]}');
  });

  it('serialises a plain error as { ok: false, error }', () => {
    expect(err({ reason: 'x' }).toJSON()).toEqual({
      ok: false,
      error: { reason: 'x' },
    });
  });

  it('flattens an RfsError to { name, code, message, details }', () => {
    const json = err(RfsError.notFound('order', 7)).toJSON();
    expect(json).toEqual({
      ok: false,
      error: {
        name: 'RfsError',
        code: 'NOT_FOUND',
        message: 'order 7 not found',
        details: { resource: 'order', id: 7 },
      },
    });
    expectTypeOf(json).toEqualTypeOf<ResultJson<never, RfsError>>();
  });

  it('flattens a plain Error to { name, message } (no stack, no cause)', () => {
    const e = new TypeError('bad', { cause: new Error('root') });
    expect(err(e).toJSON()).toEqual({
      ok: false,
      error: { name: 'TypeError', message: 'bad' },
    });
  });

  it('keeps a user error class code when it is a string', () => {
    class PaymentDeclined extends Error {
      override name = 'PaymentDeclined';
      readonly code = 'PAYMENT_DECLINED';
    }
    const json = err(new PaymentDeclined('card refused')).toJSON();
    expect(json).toEqual({
      ok: false,
      error: {
        name: 'PaymentDeclined',
        code: 'PAYMENT_DECLINED',
        message: 'card refused',
      },
    });
  });
});

describe('Result.fromJSON', () => {
  it('rebuilds an Ok or an Err from objects', () => {
    expect(Result.fromJSON({ ok: true, value: 1 })).toEqual(ok(1));
    expect(Result.fromJSON({ ok: false, error: 'e' })).toEqual(err('e'));
  });

  it('accepts a JSON string', () => {
    const r = Result.fromJSON<number, ErrorJson>(
      JSON.stringify(err(RfsError.notFound('user'))),
    );
    expect(r).toEqual(
      err({
        name: 'RfsError',
        code: 'NOT_FOUND',
        message: 'user not found',
        details: { resource: 'user' },
      }),
    );
    expectTypeOf(r).toEqualTypeOf<Result<number, ErrorJson>>();
  });

  it('reads { ok: true } as ok() since JSON drops an undefined value', () => {
    expect(Result.fromJSON(JSON.stringify(ok()))).toEqual(ok(undefined));
  });

  it.each([
    ['null', null, /expected an object/],
    ['a number', 3, /expected an object/],
    ['an array', [true, 1], /expected an object/],
    ['a missing ok', { value: 1 }, /field "ok" must be true or false/],
    ['a string ok', { ok: 'true', value: 1 }, /got "true"/],
    ['an Err without error', { ok: false }, /needs an "error" field/],
    ['invalid JSON text', '{ok:', /not valid JSON/],
  ])('rejects %s with a TypeError', (_label, input, message) => {
    expect(() => Result.fromJSON(input)).toThrow(TypeError);
    expect(() => Result.fromJSON(input)).toThrow(message);
  });
});

describe('Result.fromThrowable', () => {
  it('turns a return value into Ok', () => {
    const r = Result.fromThrowable(() => JSON.parse('{"a":1}') as { a: 1 });
    expect(r).toEqual(ok({ a: 1 }));
    expectTypeOf(r).toEqualTypeOf<Result<{ a: 1 }, unknown>>();
  });

  it('turns a throw into Err with the thrown value', () => {
    const r = Result.fromThrowable(() => JSON.parse('{'));
    expect(r.isErr() && r.error).toBeInstanceOf(SyntaxError);
  });

  it('maps the thrown value with mapErr', () => {
    const r = Result.fromThrowable(
      () => JSON.parse('{') as unknown,
      (cause) => (cause instanceof SyntaxError ? 'syntax' : 'other'),
    );
    expect(r).toEqual(err('syntax'));
    expectTypeOf(r).toEqualTypeOf<Result<unknown, 'syntax' | 'other'>>();
  });

  it('lets a throwing mapErr propagate (a defect)', () => {
    expect(() =>
      Result.fromThrowable(
        () => {
          throw new Error('api');
        },
        () => {
          throw new Error('mapper bug');
        },
      ),
    ).toThrow('mapper bug');
  });
});

describe('Result.fromNullable', () => {
  it('is Ok for any non-null value, including falsy ones', () => {
    const r = Result.fromNullable(0 as number | null, () => 'missing');
    expect(r).toEqual(ok(0));
    expect(Result.fromNullable('', () => 'missing')).toEqual(ok(''));
    expect(Result.fromNullable(false, () => 'missing')).toEqual(ok(false));
    expectTypeOf(r).toEqualTypeOf<Result<number, string>>();
  });

  it('is Err of the factory result for null and undefined', () => {
    const factory = jest.fn(() => RfsError.notFound('user', 3));
    expect(Result.fromNullable(null, factory).isErr()).toBe(true);
    expect(Result.fromNullable(undefined, factory).isErr()).toBe(true);
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('does not call the factory for a present value', () => {
    const factory = jest.fn(() => 'missing');
    Result.fromNullable({}, factory);
    expect(factory).not.toHaveBeenCalled();
  });
});

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

describe('Result.gen', () => {
  it('unwraps each yield* and returns Ok of the return value', () => {
    const r = Result.gen(function* () {
      const a = yield* parse('2');
      const b = yield* ok('x');
      return `${a}${b}`;
    });
    expect(r).toEqual(ok('2x'));
  });

  it('infers the error union of every yielded Result', () => {
    const r = Result.gen(function* () {
      const a = yield* parse('1');
      expectTypeOf(a).toEqualTypeOf<number>();
      const b = yield* a > 0 ? ok(a) : err(RfsError.internal());
      return b + 1;
    });
    expectTypeOf(r).toEqualTypeOf<Result<number, 'NaN' | RfsError>>();
    expect(r).toEqual(ok(2));
    // eslint-disable-next-line require-yield -- a body that never fails
    const none = Result.gen(function* () {
      return 1;
    });
    expectTypeOf(none).toEqualTypeOf<Result<number, never>>();
    expect(none).toEqual(ok(1));
  });

  it('stops at the first Err, returns it and runs finally blocks', () => {
    const after = jest.fn();
    const cleanup = jest.fn();
    const failing = parse('x');
    const r = Result.gen(function* () {
      try {
        yield* ok(1);
        yield* failing;
        after();
        return 1;
      } finally {
        cleanup();
      }
    });
    expect(r).toBe(failing);
    expect(after).not.toHaveBeenCalled();
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it('lets an exception in the body propagate', () => {
    expect(() =>
      Result.gen(function* () {
        yield* ok(1);
        throw new Error('bug');
      }),
    ).toThrow('bug');
  });

  it('explains yield without a star', () => {
    const misuse = function* () {
      yield ok(1);
      return 1;
    };
    // @ts-expect-error a bare `yield` (no star) of an Ok is a mistake
    expect(() => Result.gen(misuse)).toThrow(/use `yield\* result`/);
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
