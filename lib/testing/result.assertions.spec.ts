import { err, ok, RfsError, type Result } from 'nestjs-rfs';
import {
  RfsAssertionError,
  assertResultError,
  assertResultFailure,
  assertResultSuccess,
  assertResultValue,
} from 'nestjs-rfs/testing';

class User {
  constructor(
    readonly id: string,
    readonly name: string,
  ) {}
}

function failure(fn: () => void): RfsAssertionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RfsAssertionError);
    return e as RfsAssertionError;
  }
  throw new Error('expected the assertion to fail');
}

const notFound = RfsError.notFound('order', '42');

describe('assertResultSuccess', () => {
  it('passes on Ok and narrows the type', () => {
    const r: Result<User, RfsError> = ok(new User('1', 'Ada'));
    assertResultSuccess(r);
    expect(r.value.name).toBe('Ada'); // compiles only because r is narrowed to Ok
  });

  it('checks the value type, primitives included', () => {
    assertResultSuccess(
      ok(new User('1', 'Ada')) as Result<unknown, never>,
      User,
    );
    assertResultSuccess(ok('text') as Result<unknown, never>, String);
    const m = failure(() =>
      assertResultSuccess(ok('text') as Result<unknown, never>, User),
    ).message;
    expect(m).toContain('Expected the Ok value to be of type User');
    expect(m).toContain('of type string');
    expect(m).toContain("'text'");
  });

  it('fails on Err and shows the error', () => {
    const m = failure(() => assertResultSuccess(err(notFound))).message;
    expect(m).toMatch(/^Expected an Ok result, but got an Err\./);
    expect(m).toContain('NOT_FOUND');
    expect(m).toContain('order 42 not found');
  });

  it('fails clearly on something that is not a Result', () => {
    const m = failure(() =>
      assertResultSuccess({ ok: true } as unknown as Result<1, 1>),
    ).message;
    expect(m).toContain(
      'assertResultSuccess: expected a Result (Ok or Err), but received a value of type Object',
    );
    expect(m).toContain('{ ok: true }');
  });
});

describe('assertResultFailure', () => {
  it('passes on Err and narrows the type', () => {
    const r: Result<User, RfsError> = err(notFound);
    assertResultFailure(r, RfsError);
    expect(r.error.code).toBe('NOT_FOUND');
  });

  it('fails on Ok and shows the value', () => {
    const m = failure(() =>
      assertResultFailure(ok(new User('7', 'Grace'))),
    ).message;
    expect(m).toMatch(/^Expected an Err result, but got an Ok\./);
    expect(m).toContain("User { id: '7', name: 'Grace' }");
  });

  it('fails when the error has another type', () => {
    const m = failure(() =>
      assertResultFailure(err('boom') as Result<never, unknown>, RfsError),
    ).message;
    expect(m).toContain(
      'Expected the error to be of type RfsError, but it is of type string',
    );
    expect(m).toContain("'boom'");
  });
});

describe('assertResultValue', () => {
  it('passes on a deeply equal value', () => {
    assertResultValue(ok({ id: 1, tags: ['a'] }), { id: 1, tags: ['a'] });
  });

  it('fails with the value and a diff', () => {
    const e = failure(() =>
      assertResultValue(ok({ id: 1, tags: ['a', 'b'] }), {
        id: 1,
        tags: ['a', 'c'],
      }),
    );
    expect(e.message).toContain(
      'Expected the Ok value to equal the expected value.',
    );
    expect(e.message).toContain('Difference (- expected, + actual)');
    expect(e.message).toMatch(/\+ +'b'/);
    expect(e.message).toMatch(/- +'c'/);
    expect(e.actual).toEqual({ id: 1, tags: ['a', 'b'] });
    expect(e.expected).toEqual({ id: 1, tags: ['a', 'c'] });
  });

  it('fails on an Err, showing the error', () => {
    const m = failure(() =>
      assertResultValue(err(notFound) as Result<number, RfsError>, 1),
    ).message;
    expect(m).toContain('Expected an Ok result, but got an Err.');
    expect(m).toContain('order 42 not found');
  });
});

describe('assertResultError', () => {
  it('matches a code, a partial, an equal error and a string error', () => {
    assertResultError(err(notFound), 'NOT_FOUND');
    assertResultError(err(notFound), {
      code: 'NOT_FOUND',
      details: { id: '42' },
    });
    assertResultError(err(notFound), RfsError.notFound('order', '42'));
    assertResultError(err('boom'), 'boom');
  });

  it('fails on another code, naming both', () => {
    const m = failure(() =>
      assertResultError(err(notFound), 'CONFLICT'),
    ).message;
    expect(m).toContain(
      "Expected the error code to be 'CONFLICT', but it is 'NOT_FOUND'.",
    );
    expect(m).toContain('order 42 not found');
  });

  it('fails on a partial mismatch with a diff of the compared keys only', () => {
    const m = failure(() =>
      assertResultError(err(notFound), { details: { id: '43' } }),
    ).message;
    expect(m).toContain('Expected the error to match the expected error.');
    expect(m).toMatch(/\+ +id: '42'/);
    expect(m).toMatch(/- +id: '43'/);
    expect(m).not.toMatch(/[+-] +resource/);
  });

  it('fails on an error of another message', () => {
    const m = failure(() =>
      assertResultError(err(notFound), RfsError.notFound('order', '1')),
    ).message;
    expect(m).toMatch(/\+ +message: 'order 42 not found'/);
    expect(m).toMatch(/- +message: 'order 1 not found'/);
  });

  it('fails on an Ok, showing the value', () => {
    const m = failure(() =>
      assertResultError(ok(5) as Result<number, RfsError>, 'NOT_FOUND'),
    ).message;
    expect(m).toContain('Expected an Err result, but got an Ok.');
    expect(m).toContain('5');
  });
});
