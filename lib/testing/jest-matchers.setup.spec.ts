// Runs in the `testing-kit matchers` Jest project, whose setupFilesAfterEnv loads
// 'nestjs-rfs/testing/jest' exactly as a user's config would: no import of the matchers here.
import { Injectable } from '@nestjs/common';
import { LogResultOperation, RfsError, err, ok, type Result } from 'nestjs-rfs';
import { MonoResult } from '../result/mono-result';
import { FluxResult } from '../result/flux-result';
import { resultTestContext, type ResultTestContext } from 'nestjs-rfs/testing';

const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');
const plain = (s: string) => s.replace(ANSI, '');

function failureOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return plain((e as Error).message);
  }
  throw new Error('expected the matcher to fail');
}

async function asyncFailureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return plain((e as Error).message);
  }
  throw new Error('expected the matcher to fail');
}

const notFound = RfsError.notFound('order', '7');
const okR: Result<{ id: number }, RfsError> = ok({ id: 1 });
const errR: Result<{ id: number }, RfsError> = err(notFound);

describe('Result matchers', () => {
  it('toBeOk', () => {
    expect(okR).toBeOk();
    expect(errR).not.toBeOk();
    const m = failureOf(() => expect(errR).toBeOk());
    expect(m).toContain('Expected an Ok result.');
    expect(m).toContain('Received Err with error:');
    expect(m).toContain('order 7 not found');
    expect(failureOf(() => expect(okR).not.toBeOk())).toContain(
      'Received Ok with value: {"id": 1}',
    );
    expect(failureOf(() => expect({ id: 1 }).toBeOk())).toContain(
      'Received a value that is not a Result: {"id": 1}',
    );
  });

  it('toBeOkWith', () => {
    expect(okR).toBeOkWith({ id: 1 });
    expect(okR).toBeOkWith({ id: expect.any(Number) });
    const m = failureOf(() => expect(okR).toBeOkWith({ id: 2 }));
    expect(m).toContain('Expected Ok value');
    expect(m).toMatch(/- +"id": 2/);
    expect(m).toMatch(/\+ +"id": 1/);
    expect(failureOf(() => expect(errR).toBeOkWith({ id: 1 }))).toContain(
      'Received Err with error:',
    );
  });

  it('toBeErr', () => {
    expect(errR).toBeErr();
    const m = failureOf(() => expect(okR).toBeErr());
    expect(m).toContain('Expected an Err result.');
    expect(m).toContain('Received Ok with value: {"id": 1}');
  });

  it('toBeErrWith: code, partial, error', () => {
    expect(errR).toBeErrWith('NOT_FOUND');
    expect(errR).toBeErrWith({ code: 'NOT_FOUND', details: { id: '7' } });
    expect(errR).toBeErrWith(RfsError.notFound('order', '7'));
    const m = failureOf(() =>
      expect(errR).toBeErrWith({ details: { id: '8' } }),
    );
    expect(m).toContain('Expected error');
    expect(m).toMatch(/- +"id": "8"/);
    expect(m).toMatch(/\+ +"id": "7"/);
    expect(failureOf(() => expect(okR).toBeErrWith('NOT_FOUND'))).toContain(
      'Received Ok with value: {"id": 1}',
    );
  });

  it('toHaveErrorCode', () => {
    expect(errR).toHaveErrorCode('NOT_FOUND');
    const m = failureOf(() => expect(errR).toHaveErrorCode('CONFLICT'));
    expect(m).toContain('Expected Err with error code: "CONFLICT"');
    expect(m).toContain('Received code: "NOT_FOUND"');
    expect(m).toContain('order 7 not found');
  });
});

describe('MonoResult matchers', () => {
  it('toResolveOk', async () => {
    await expect(MonoResult.ok(3)).toResolveOk();
    await expect(MonoResult.ok(3)).toResolveOk(3);
    await expect(Promise.resolve(ok('p'))).toResolveOk('p');
    const m = await asyncFailureOf(
      expect(MonoResult.err(notFound)).toResolveOk(),
    );
    expect(m).toContain('Expected an Ok result.');
    expect(m).toContain('order 7 not found');
    const d = await asyncFailureOf(
      expect(
        MonoResult.defer(() => {
          throw new TypeError('bug in thunk');
        }),
      ).toResolveOk(),
    );
    expect(d).toContain('its run rejected (a defect)');
    expect(d).toContain('bug in thunk');
  });

  it('toResolveErr', async () => {
    await expect(MonoResult.err(notFound)).toResolveErr();
    await expect(MonoResult.err(notFound)).toResolveErr('NOT_FOUND');
    const m = await asyncFailureOf(
      expect(MonoResult.ok(5)).toResolveErr('NOT_FOUND'),
    );
    expect(m).toContain('Expected Err with error code: "NOT_FOUND"');
    expect(m).toContain('Received Ok with value: 5');
  });
});

describe('FluxResult matchers', () => {
  const flux = () => FluxResult.fromResults([ok(1), err(notFound), ok(3)]);

  it('toEmitOks', async () => {
    await expect(flux()).toEmitOks([1, 3]);
    const m = await asyncFailureOf(expect(flux()).toEmitOks([1, 2, 3]));
    expect(m).toContain('Expected Ok values');
    expect(m).toMatch(/- +2,/);
    expect(m).toContain('Errors (1):');
    expect(m).toContain('order 7 not found');
  });

  it('toHaveSuccessRate', async () => {
    await expect(flux()).toHaveSuccessRate(2 / 3);
    await expect(flux()).toHaveSuccessRate(0.7, 0.05);
    const m = await asyncFailureOf(expect(flux()).toHaveSuccessRate(0.9, 0.05));
    expect(m).toContain('Expected success rate: 0.9 ± 0.05');
    expect(m).toContain(
      'Received success rate: 0.6666666666666666 (2 Ok, 1 Err of 3)',
    );
  });
});

describe('telemetry matchers', () => {
  @Injectable()
  class PaymentsService {
    @LogResultOperation('payments.charge')
    charge(amount: number): Result<number, RfsError> {
      return amount > 0
        ? ok(amount)
        : err(RfsError.validation({ amount: 'must be > 0' }));
    }
  }

  let ctx: ResultTestContext;
  beforeEach(async () => {
    ctx = await resultTestContext({ providers: [PaymentsService] });
    const payments = ctx.module.get(PaymentsService);
    ctx.withCorrelation(() => payments.charge(10));
    ctx.withCorrelation(() => payments.charge(-1));
  });
  afterEach(() => ctx.close());

  it('toHaveLogged', () => {
    expect(ctx.capture).toHaveLogged({
      operation: 'payments.charge',
      outcome: 'ok',
    });
    expect(ctx).toHaveLogged(
      {
        operation: 'payments.charge',
        outcome: 'err',
        level: 'warn',
        correlationId: 'test-cid-2',
      },
      1,
    );
    expect(ctx.capture).not.toHaveLogged({ outcome: 'defect' });
    const m = failureOf(() =>
      expect(ctx.capture).toHaveLogged({ operation: 'payments.refund' }),
    );
    expect(m).toContain(
      'Expected Result log line(s) matching: {"operation": "payments.refund"}',
    );
    expect(m).toContain('Matching lines: 0');
    expect(m).toContain(
      '1. level=30 operation=payments.charge outcome=ok correlationId=test-cid-1',
    );
  });

  it('toHaveRecordedMetric', async () => {
    await expect(ctx.metrics).toHaveRecordedMetric('payments.charge', 'ok', 1);
    await expect(ctx).toHaveRecordedMetric('payments.charge', 'err', 1);
    const m = await asyncFailureOf(
      expect(ctx.metrics).toHaveRecordedMetric('payments.charge', 'err', 3),
    );
    expect(m).toContain(
      "Expected 3 'err' operation(s) recorded for payments.charge",
    );
    expect(m).toContain('Received: 1 (payments.charge: ok 1, err 1, defect 0)');
  });
});
