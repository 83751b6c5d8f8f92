import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ErrorCode } from '../result/error-code';
import { RfsError } from '../result/rfs.error';
import { HttpOptions } from './http.options';
import { errorCodeForStatus, ProblemDetailsFactory } from './problem-details';

const dev = new ProblemDetailsFactory({ environment: 'development' });
const prod = new ProblemDetailsFactory({ environment: 'production' });
const ctx = { instance: '/orders/42', correlationId: 'c-1' };

describe('ProblemDetailsFactory', () => {
  it('builds the RFC 9457 body of an RfsError in a stable key order', () => {
    const p = dev.create(RfsError.notFound('order', 42), ctx);
    expect(p.status).toBe(404);
    expect(p.outcome).toBe('err');
    expect(p.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'order 42 not found',
      instance: '/orders/42',
      code: 'NOT_FOUND',
      correlationId: 'c-1',
      details: { resource: 'order', id: 42 },
    });
    expect(Object.keys(p.body)).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'instance',
      'code',
      'correlationId',
      'details',
    ]);
  });

  it('moves validation field errors to `errors`', () => {
    const p = dev.create(
      RfsError.validation([
        { field: 'qty', message: 'must be ≥ 1', code: 'min' },
      ]),
    );
    expect(p.body.errors).toEqual([
      { field: 'qty', message: 'must be ≥ 1', code: 'min' },
    ]);
    expect(p.body.details).toBeUndefined();
    expect(p.body.instance).toBeUndefined();
    expect(p.body.correlationId).toBeUndefined();
  });

  it('production: 5xx gets the status phrase and a generic detail, no details', () => {
    const p = prod.create(RfsError.database('insert', 'pk violated'), ctx);
    expect(p.status).toBe(500);
    expect(p.body.title).toBe('Internal Server Error');
    expect(p.body.detail).not.toContain('pk violated');
    expect(p.body.details).toBeUndefined();
    expect(p.body.code).toBe(ErrorCode.DATABASE_ERROR);
    expect(p.body.correlationId).toBe('c-1');
    // outside production the detail is shown
    expect(
      dev.create(RfsError.database('insert', 'pk violated')).body.detail,
    ).toContain('pk violated');
  });

  it('production: 4xx keeps detail and details', () => {
    const p = prod.create(RfsError.conflict('order', 'paid'));
    expect(p.body.detail).toBe('Conflict on order: paid');
    expect(p.body.details).toEqual({ resource: 'order', reason: 'paid' });
  });

  it('a thrown unknown error is a defect with a generic body, in every environment', () => {
    const p = dev.create(new Error('secret'), ctx, true);
    expect(p).toMatchObject({ status: 500, outcome: 'defect' });
    expect(p.body.detail).not.toContain('secret');
    expect(p.body.code).toBe('INTERNAL_SERVER_ERROR');
    // the same Error in an Err is a typed failure
    expect(dev.create(new Error('secret')).outcome).toBe('err');
  });

  it('a thrown coded error or HttpException is an err, not a defect', () => {
    expect(
      dev.create(RfsError.forbidden('order', 'delete'), {}, true).outcome,
    ).toBe('err');
    expect(dev.create(new NotFoundException('nope'), {}, true)).toMatchObject({
      status: 404,
      outcome: 'err',
      body: { code: 'NOT_FOUND', detail: 'nope', title: 'Not Found' },
    });
  });

  it("maps a ValidationPipe's message array to errors", () => {
    const p = dev.create(
      new BadRequestException([
        'name must be a string',
        'qty must not be empty',
      ]),
    );
    expect(p.body.code).toBe('VALIDATION_ERROR');
    expect(p.body.errors).toEqual([
      { field: 'name', message: 'name must be a string' },
      { field: 'qty', message: 'qty must not be empty' },
    ]);
  });

  it('uses problemTypeBaseUrl for `type`', () => {
    const f = new ProblemDetailsFactory({
      http: {
        ...new HttpOptions(),
        problemTypeBaseUrl: 'https://e.example/p/',
      },
    });
    expect(f.create(new RfsError('SEAT_TAKEN', 'x')).body.type).toBe(
      'https://e.example/p/seat-taken',
    );
  });

  it('never throws on hostile values and keeps the body JSON-safe', () => {
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = cyclic;
    class Getters extends Error {
      override get message(): string {
        throw new Error('m');
      }
      get details(): unknown {
        throw new Error('d');
      }
    }
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
    for (const v of [
      null,
      undefined,
      'text',
      1n,
      Symbol('s'),
      cyclic,
      new Getters(),
      proxy,
    ]) {
      for (const thrown of [true, false]) {
        const p = dev.create(v, ctx, thrown);
        expect(p.status).toBe(500);
        expect(() => JSON.stringify(p.body)).not.toThrow();
      }
    }
    const withDetails = dev.create(
      new RfsError(ErrorCode.CONFLICT, 'x', { details: cyclic }),
    );
    expect(withDetails.body.details).toEqual({ n: '1', self: '[Circular]' });
  });

  it('errorCodeForStatus', () => {
    expect(errorCodeForStatus(404)).toBe('NOT_FOUND');
    expect(errorCodeForStatus(500)).toBe('INTERNAL_SERVER_ERROR');
    expect(errorCodeForStatus(418)).toBe('HTTP_418');
  });

  it('current() falls back to a default factory and can be replaced', () => {
    ProblemDetailsFactory.setCurrent(prod);
    expect(ProblemDetailsFactory.current()).toBe(prod);
    ProblemDetailsFactory.setCurrent(undefined);
    expect(ProblemDetailsFactory.current()).toBeInstanceOf(
      ProblemDetailsFactory,
    );
  });
});
