import { Inject, Injectable } from '@nestjs/common';
import { LogResultOperation, MonoResult, RfsError } from 'nestjs-rfs';
import { type Payment, PaymentGateway } from './payment-gateway';

/** How the sample calls the payment provider. */
export interface PaymentPolicy {
  /** Time limit of one attempt (ms); when the last attempt hits it the answer is 504. */
  attemptTimeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry (ms), doubled for each further retry. */
  retryDelayMs: number;
}

/** Token of the {@link PaymentPolicy}. */
export const PAYMENT_POLICY = Symbol('sample:payment-policy');

/** The policy of `npm start` (environment overrides for experiments). */
export function paymentPolicyFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): PaymentPolicy {
  return {
    attemptTimeoutMs: Number(env.PAYMENT_TIMEOUT_MS ?? 500),
    retries: Number(env.PAYMENT_RETRIES ?? 2),
    retryDelayMs: Number(env.PAYMENT_RETRY_DELAY_MS ?? 50),
  };
}

/** Calls the flaky provider as a lazy, cancellable MonoResult with a timeout and retries. */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly gateway: PaymentGateway,
    @Inject(PAYMENT_POLICY) private readonly policy: PaymentPolicy,
  ) {}

  /**
   * Charges an order. Each attempt is limited to `attemptTimeoutMs` and aborted when it runs
   * over; transient failures (5xx, timeouts) are retried with exponential backoff. When it gives
   * up: EXTERNAL_SERVICE_ERROR (502) if the provider failed, TIMEOUT_ERROR (504) if it hung.
   */
  @LogResultOperation('payments.charge')
  charge(orderId: number, amountCents: number): MonoResult<Payment, RfsError> {
    const { attemptTimeoutMs, retries, retryDelayMs } = this.policy;
    return MonoResult.fromPromise(
      (signal) => this.gateway.charge(orderId, amountCents, signal),
      (cause) =>
        RfsError.externalService(
          'payments',
          cause instanceof Error ? cause.message : String(cause),
          cause,
        ),
    )
      .timeout(attemptTimeoutMs, { operation: 'payments.charge' })
      .retry({
        times: retries,
        delayMs: retryDelayMs,
        backoff: 'exponential',
        when: (e) => e.status >= 500,
      });
  }
}
