import { expectTypeOf } from 'expect-type';
import { ERROR_CODE_STATUS, ErrorCode, isErrorCode } from './error-code';
import { err, type Result } from './result';
import { RfsError, isCodedError, type CodedError } from './rfs.error';

describe('ErrorCode', () => {
  it('has the 13 codes with their default HTTP statuses', () => {
    expect(ERROR_CODE_STATUS).toEqual({
      VALIDATION_ERROR: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      REQUEST_TIMEOUT: 408,
      CONFLICT: 409,
      PAYLOAD_TOO_LARGE: 413,
      RATE_LIMITED: 429,
      INTERNAL_SERVER_ERROR: 500,
      DATABASE_ERROR: 500,
      EXTERNAL_SERVICE_ERROR: 502,
      SERVICE_UNAVAILABLE: 503,
      TIMEOUT_ERROR: 504,
    });
    expect(Object.values(ErrorCode)).toEqual(Object.keys(ERROR_CODE_STATUS));
  });

  it('the status table cannot be changed at run time', () => {
    expect(Object.isFrozen(ERROR_CODE_STATUS)).toBe(true);
  });

  it('isErrorCode accepts the built-in codes only', () => {
    expect(isErrorCode('NOT_FOUND')).toBe(true);
    expect(isErrorCode('PAYMENT_DECLINED')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(404)).toBe(false);
  });
});

describe('RfsError', () => {
  it('is an Error with code, status, details and cause', () => {
    const cause = new Error('socket hang up');
    const e = new RfsError(ErrorCode.EXTERNAL_SERVICE_ERROR, 'payments down', {
      details: { service: 'payments' },
      cause,
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('RfsError');
    expect(e.message).toBe('payments down');
    expect(e.code).toBe('EXTERNAL_SERVICE_ERROR');
    expect(e.status).toBe(502);
    expect(e.details).toEqual({ service: 'payments' });
    expect(e.cause).toBe(cause);
    expect(e.stack).toContain('payments down');
  });

  it('a subclass keeps code and status and reports its own name', () => {
    class OrderNotFound extends RfsError {
      constructor(id: string) {
        super(ErrorCode.NOT_FOUND, `order ${id} not found`, {
          details: { id },
        });
      }
    }
    const e = new OrderNotFound('42');
    expect(e).toBeInstanceOf(RfsError);
    expect(e.name).toBe('OrderNotFound');
    expect(e.status).toBe(404);
    expect(err(e).toJSON()).toEqual({
      ok: false,
      error: {
        name: 'OrderNotFound',
        code: 'NOT_FOUND',
        message: 'order 42 not found',
        details: { id: '42' },
      },
    });
  });

  it('an explicit status always wins over the code default', () => {
    expect(
      new RfsError(ErrorCode.NOT_FOUND, 'gone', { status: 410 }).status,
    ).toBe(410);
  });

  it('a custom code defaults to 500 unless a status is given', () => {
    expect(new RfsError('PAYMENT_DECLINED', 'card refused').status).toBe(500);
    expect(
      new RfsError('PAYMENT_DECLINED', 'card refused', { status: 402 }).status,
    ).toBe(402);
  });

  it('has no details or cause property when none are given', () => {
    const e = new RfsError(ErrorCode.CONFLICT, 'x');
    expect('details' in e).toBe(false);
    expect('cause' in e).toBe(false);
  });

  it('serialises to { name, code, status, message, details } without the cause', () => {
    const e = new RfsError(ErrorCode.CONFLICT, 'taken', {
      details: { resource: 'email' },
      cause: new Error('secret'),
    });
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'RfsError',
      code: 'CONFLICT',
      status: 409,
      message: 'taken',
      details: { resource: 'email' },
    });
    expect(new RfsError(ErrorCode.CONFLICT, 'x').toJSON()).not.toHaveProperty(
      'details',
    );
  });

  it('works as the E of a Result', () => {
    const r: Result<number, RfsError> = err(RfsError.notFound('user', 1));
    expect(r.isErr() && r.error.status).toBe(404);
  });
});

describe('RfsError factories', () => {
  it.each<[string, RfsError, ErrorCode, number, string, unknown]>([
    [
      'unauthorized()',
      RfsError.unauthorized(),
      ErrorCode.UNAUTHORIZED,
      401,
      'Authentication required',
      undefined,
    ],
    [
      'unauthorized(reason)',
      RfsError.unauthorized('token expired'),
      ErrorCode.UNAUTHORIZED,
      401,
      'Authentication required: token expired',
      { reason: 'token expired' },
    ],
    [
      'forbidden(resource, action)',
      RfsError.forbidden('invoice', 'delete'),
      ErrorCode.FORBIDDEN,
      403,
      'Not allowed to delete invoice',
      { resource: 'invoice', action: 'delete' },
    ],
    [
      'notFound(resource)',
      RfsError.notFound('user'),
      ErrorCode.NOT_FOUND,
      404,
      'user not found',
      { resource: 'user' },
    ],
    [
      'notFound(resource, id)',
      RfsError.notFound('order', 42),
      ErrorCode.NOT_FOUND,
      404,
      'order 42 not found',
      { resource: 'order', id: 42 },
    ],
    [
      'requestTimeout()',
      RfsError.requestTimeout(),
      ErrorCode.REQUEST_TIMEOUT,
      408,
      'The request took too long to arrive',
      undefined,
    ],
    [
      'conflict(resource, reason)',
      RfsError.conflict('email', 'already registered'),
      ErrorCode.CONFLICT,
      409,
      'Conflict on email: already registered',
      { resource: 'email', reason: 'already registered' },
    ],
    [
      'payloadTooLarge()',
      RfsError.payloadTooLarge(),
      ErrorCode.PAYLOAD_TOO_LARGE,
      413,
      'Payload too large',
      undefined,
    ],
    [
      'payloadTooLarge(limit)',
      RfsError.payloadTooLarge('1mb'),
      ErrorCode.PAYLOAD_TOO_LARGE,
      413,
      'Payload too large (limit 1mb)',
      { limit: '1mb' },
    ],
    [
      'rateLimited(limit, window)',
      RfsError.rateLimited(100, 'minute'),
      ErrorCode.RATE_LIMITED,
      429,
      'Rate limit of 100 per minute exceeded',
      { limit: 100, window: 'minute' },
    ],
    [
      'internal()',
      RfsError.internal(),
      ErrorCode.INTERNAL_SERVER_ERROR,
      500,
      'Internal server error',
      undefined,
    ],
    [
      'internal(message)',
      RfsError.internal('ledger out of balance'),
      ErrorCode.INTERNAL_SERVER_ERROR,
      500,
      'ledger out of balance',
      undefined,
    ],
    [
      'database(operation)',
      RfsError.database('insert'),
      ErrorCode.DATABASE_ERROR,
      500,
      'Database insert failed',
      { operation: 'insert' },
    ],
    [
      'database(operation, detail)',
      RfsError.database('insert', 'unique violation'),
      ErrorCode.DATABASE_ERROR,
      500,
      'Database insert failed: unique violation',
      { operation: 'insert', detail: 'unique violation' },
    ],
    [
      'externalService(service)',
      RfsError.externalService('stripe'),
      ErrorCode.EXTERNAL_SERVICE_ERROR,
      502,
      'External service stripe failed',
      { service: 'stripe' },
    ],
    [
      'externalService(service, reason)',
      RfsError.externalService('stripe', 'HTTP 500'),
      ErrorCode.EXTERNAL_SERVICE_ERROR,
      502,
      'External service stripe failed: HTTP 500',
      { service: 'stripe', reason: 'HTTP 500' },
    ],
    [
      'serviceUnavailable()',
      RfsError.serviceUnavailable(),
      ErrorCode.SERVICE_UNAVAILABLE,
      503,
      'Service unavailable',
      undefined,
    ],
    [
      'serviceUnavailable(reason)',
      RfsError.serviceUnavailable('maintenance'),
      ErrorCode.SERVICE_UNAVAILABLE,
      503,
      'Service unavailable: maintenance',
      { reason: 'maintenance' },
    ],
    [
      'timeout(operation, ms)',
      RfsError.timeout('loadUser', 250),
      ErrorCode.TIMEOUT_ERROR,
      504,
      'loadUser timed out after 250 ms',
      { operation: 'loadUser', timeoutMs: 250 },
    ],
  ])('%s', (_label, error, code, status, message, details) => {
    expect(error).toBeInstanceOf(RfsError);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
    expect(error.details).toEqual(details);
  });

  describe('validation', () => {
    it('takes a list of field errors as details.errors', () => {
      const fields = [
        { field: 'email', message: 'must be an email', code: 'format' },
        { field: 'age', message: 'must be at least 18', code: 'min' },
      ];
      const e = RfsError.validation(fields);
      expect(e.code).toBe(ErrorCode.VALIDATION_ERROR);
      expect(e.status).toBe(400);
      expect(e.message).toBe('Validation failed for 2 fields');
      expect(e.details).toEqual({ errors: fields });
    });

    it('takes a field → message record', () => {
      const e = RfsError.validation({ email: 'must be an email' });
      expect(e.message).toBe('Validation failed: email must be an email');
      expect(e.details).toEqual({
        errors: [{ field: 'email', message: 'must be an email' }],
      });
    });

    it('accepts an explicit message', () => {
      expect(RfsError.validation([], 'Body is empty').message).toBe(
        'Body is empty',
      );
      expect(RfsError.validation([]).message).toBe('Validation failed');
    });
  });

  it('database, externalService and internal keep the cause', () => {
    const cause = new Error('ECONNRESET');
    expect(RfsError.database('select', undefined, cause).cause).toBe(cause);
    expect(RfsError.externalService('s3', 'reset', cause).cause).toBe(cause);
    expect(RfsError.internal('oops', cause).cause).toBe(cause);
  });
});

describe('user error classes (CodedError)', () => {
  class PaymentDeclined extends Error {
    readonly code = 'PAYMENT_DECLINED';
    readonly status = 402;
  }

  it('isCodedError accepts anything with a string code', () => {
    expect(isCodedError(new PaymentDeclined('no'))).toBe(true);
    expect(isCodedError(RfsError.internal())).toBe(true);
    expect(isCodedError({ code: 'X' })).toBe(true);
    expect(isCodedError({ code: 42 })).toBe(false);
    expect(isCodedError(new Error('plain'))).toBe(false);
    expect(isCodedError(null)).toBe(false);
    expect(isCodedError('NOT_FOUND')).toBe(false);
  });

  it('narrows to CodedError', () => {
    const e: unknown = new PaymentDeclined('no');
    if (!isCodedError(e)) throw new Error('expected a coded error');
    expectTypeOf(e).toEqualTypeOf<CodedError>();
    expect(e.code).toBe('PAYMENT_DECLINED');
    expect(e.status).toBe(402);
  });
});
