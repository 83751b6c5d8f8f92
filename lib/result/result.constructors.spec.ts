import { expectTypeOf } from 'expect-type';
import { Result, err, ok } from './result';
import { RfsError } from './rfs.error';

// Result.fromThrowable and Result.fromNullable.
// Type-level assertions (expectTypeOf) are checked by `npm run typecheck`; at run time they
// are no-ops, so every behaviour below is also asserted with a value.

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
