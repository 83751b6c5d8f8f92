import { expectTypeOf } from 'expect-type';
import { Result, err, ok } from './result';
import { RfsError } from './rfs.error';
import type { ErrorJson, ResultJson } from './result-json';

// A Result's JSON form: toJSON and Result.fromJSON.
// Type-level assertions (expectTypeOf) are checked by `npm run typecheck`; at run time they
// are no-ops, so every behaviour below is also asserted with a value.

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
