import { expectTypeOf } from 'expect-type';
import { Result, err, ok } from './result';
import { RfsError } from './rfs.error';

// Result.gen do-notation.
// Type-level assertions (expectTypeOf) are checked by `npm run typecheck`; at run time they
// are no-ops, so every behaviour below is also asserted with a value.

const parse = (s: string): Result<number, 'NaN'> => {
  const n = Number(s);
  return Number.isNaN(n) ? err('NaN') : ok(n);
};

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
