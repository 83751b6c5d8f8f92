import { RfsError } from 'nestjs-rfs';
import {
  type ResultTestContext,
  assertLogged,
  assertMonoResultError,
  assertMonoResultSuccess,
  resultTestContext,
} from 'nestjs-rfs/testing';
import { PaymentGateway } from './payment-gateway';
import { PAYMENT_POLICY, PaymentsService } from './payments.service';

/** A provider that always hangs (until aborted) or always fails, on fake timers. */
function gatewayThat(outcome: 'hang' | 'fail' | 'ok'): PaymentGateway {
  const gateway = new PaymentGateway();
  gateway.behaviour = {
    hangRate: outcome === 'hang' ? 1 : 0,
    failureRate: outcome === 'fail' ? 1 : 0,
    latencyMs: [100, 100],
    random: () => 0.5,
  };
  return gateway;
}

describe('PaymentsService.charge (fake timers)', () => {
  let ctx: ResultTestContext;
  let gateway: PaymentGateway;
  let charge: jest.SpyInstance;

  async function setUp(
    outcome: 'hang' | 'fail' | 'ok',
  ): Promise<PaymentsService> {
    gateway = gatewayThat(outcome);
    charge = jest.spyOn(gateway, 'charge');
    ctx = await resultTestContext({
      providers: [
        PaymentsService,
        { provide: PaymentGateway, useValue: gateway },
        {
          provide: PAYMENT_POLICY,
          useValue: { attemptTimeoutMs: 500, retries: 2, retryDelayMs: 50 },
        },
      ],
    });
    return ctx.module.get(PaymentsService);
  }

  beforeEach(() => jest.useFakeTimers());
  afterEach(async () => {
    jest.useRealTimers();
    await ctx.close();
  });

  it('gives up with TIMEOUT_ERROR (504) after 3 attempts of 500 ms and 50 + 100 ms of backoff', async () => {
    const payments = await setUp('hang');
    const result = assertMonoResultError(payments.charge(7, 1000), {
      code: 'TIMEOUT_ERROR',
      status: 504,
    });
    await jest.advanceTimersByTimeAsync(500 + 50 + 500 + 100 + 499);
    expect(charge).toHaveBeenCalledTimes(3);
    let settled = false;
    void result.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await result;
    // Each attempt got a signal, and the timeout aborted it.
    for (const [, , signal] of charge.mock.calls)
      expect((signal as AbortSignal).aborted).toBe(true);
    assertLogged(
      ctx.capture,
      { operation: 'payments.charge', outcome: 'err' },
      1,
    );
  });

  it('gives up with EXTERNAL_SERVICE_ERROR (502) when the provider keeps failing', async () => {
    const payments = await setUp('fail');
    const result = assertMonoResultError(payments.charge(7, 1000), {
      code: 'EXTERNAL_SERVICE_ERROR',
      status: 502,
    });
    await jest.advanceTimersByTimeAsync(100 + 50 + 100 + 100 + 100);
    const error = (await result) as RfsError;
    expect(error.message).toContain('payment provider answered 503');
    expect(charge).toHaveBeenCalledTimes(3);
  });

  it('is lazy: nothing is charged until the MonoResult runs', async () => {
    const payments = await setUp('ok');
    const mono = payments.charge(7, 1000);
    expect(charge).not.toHaveBeenCalled();
    const paid = assertMonoResultSuccess(mono);
    await jest.advanceTimersByTimeAsync(100);
    expect(await paid).toMatchObject({ orderId: 7, amountCents: 1000 });
    expect(charge).toHaveBeenCalledTimes(1);
  });
});
