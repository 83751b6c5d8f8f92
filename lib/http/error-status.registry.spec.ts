import {
  BadRequestException,
  ConflictException,
  HttpException,
} from '@nestjs/common';
import { ERROR_CODE_STATUS, ErrorCode } from '../result/error-code';
import { RfsError } from '../result/rfs.error';
import { ErrorStatusRegistry } from './error-status.registry';
import { HttpErrorStatus } from './http-error-status.decorator';

@HttpErrorStatus(409)
class Conflicting extends Error {}
class ConflictingChild extends Conflicting {}
class Named extends Error {}
class NamedChild extends Named {}

describe('ErrorStatusRegistry', () => {
  const registry = new ErrorStatusRegistry();

  it.each(Object.values(ErrorCode))(
    'built-in code %s → its table status',
    (code) => {
      expect(registry.resolve(new RfsError(code, 'x'))).toEqual({
        status: ERROR_CODE_STATUS[code],
        source: 'code',
      });
      // a plain object with the code works the same (CodedError)
      expect(registry.statusOf({ code })).toBe(ERROR_CODE_STATUS[code]);
    },
  );

  it('an explicit status wins over everything', () => {
    const r = new ErrorStatusRegistry({
      errorStatus: { NOT_FOUND: 400 },
      errorMapper: () => 401,
    });
    expect(
      r.resolve(new RfsError(ErrorCode.NOT_FOUND, 'x', { status: 410 })),
    ).toEqual({ status: 410, source: 'explicit' });
    expect(r.statusOf({ code: 'X', status: 422 })).toBe(422);
    expect(r.statusOf({ statusCode: 451 })).toBe(451);
    expect(r.statusOf(new ConflictException())).toBe(409);
    expect(r.statusOf(new HttpException('teapot', 418))).toBe(418);
  });

  it('ignores statuses outside 400–599', () => {
    expect(registry.statusOf({ status: 200 })).toBe(500);
    expect(registry.statusOf({ status: 99.5 })).toBe(500);
    expect(registry.statusOf({ status: '404' })).toBe(500);
  });

  it("an RfsError's default status is not explicit: options, decorator and mapper still apply", () => {
    const r = new ErrorStatusRegistry({
      errorStatus: { PAYMENT_REQUIRED: 402 },
    });
    expect(r.resolve(new RfsError('PAYMENT_REQUIRED', 'x'))).toEqual({
      status: 402,
      source: 'options',
    });
  });

  it('http.errorStatus by class name, along the prototype chain', () => {
    const r = new ErrorStatusRegistry({ errorStatus: { Named: 429 } });
    expect(r.resolve(new Named())).toEqual({ status: 429, source: 'options' });
    expect(r.statusOf(new NamedChild())).toBe(429);
    expect(r.statusOf(new Error())).toBe(500);
  });

  it('@HttpErrorStatus on the class (inherited by subclasses)', () => {
    expect(registry.resolve(new Conflicting())).toEqual({
      status: 409,
      source: 'decorator',
    });
    expect(registry.statusOf(new ConflictingChild())).toBe(409);
  });

  it('options by class name win over the decorator', () => {
    const r = new ErrorStatusRegistry({ errorStatus: { Conflicting: 423 } });
    expect(r.statusOf(new Conflicting())).toBe(423);
  });

  it('http.errorMapper is the last resort; a throwing or bad mapper is ignored', () => {
    const mapped = new ErrorStatusRegistry({
      errorMapper: (e) => (e === 'teapot' ? 418 : undefined),
    });
    expect(mapped.resolve('teapot')).toEqual({ status: 418, source: 'mapper' });
    expect(mapped.resolve('other')).toEqual({ status: 500, source: 'default' });
    const throwing = new ErrorStatusRegistry({
      errorMapper: () => {
        throw new Error('mapper bug');
      },
    });
    expect(throwing.statusOf(new Error())).toBe(500);
    const bad = new ErrorStatusRegistry({ errorMapper: () => 42 });
    expect(bad.statusOf(new Error())).toBe(500);
  });

  it('never throws on hostile values', () => {
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('get');
        },
        getPrototypeOf() {
          throw new Error('proto');
        },
      },
    );
    class Getters extends Error {
      get code(): string {
        throw new Error('code');
      }
      get status(): number {
        throw new Error('status');
      }
    }
    for (const v of [
      null,
      undefined,
      'x',
      10n,
      Symbol('s'),
      proxy,
      new Getters(),
    ]) {
      expect(registry.statusOf(v)).toBe(500);
    }
    expect(registry.statusOf(new BadRequestException())).toBe(400);
  });
});

describe('@HttpErrorStatus', () => {
  it.each([200, 399, 600, 404.5, NaN])(
    'rejects %p with a clear message',
    (s) => {
      expect(() => HttpErrorStatus(s)).toThrow(
        /status must be an integer between 400 and 599/,
      );
    },
  );
});
