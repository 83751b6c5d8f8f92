import { Injectable } from '@nestjs/common';

/** A charge accepted by the (simulated) payment provider. */
export interface Payment {
  paymentId: string;
  orderId: number;
  amountCents: number;
}

/** Behaviour of the simulated provider (tests make it deterministic). */
export interface PaymentGatewayBehaviour {
  /** Probability that a call fails with a 5xx-like error. */
  failureRate: number;
  /** Probability that a call hangs until aborted (to exercise `timeout`). */
  hangRate: number;
  /** Latency range of a normal call (ms). */
  latencyMs: [number, number];
  /** Random source in [0, 1). */
  random: () => number;
}

/**
 * A flaky external payment service simulated inside the app: it is slow, sometimes fails and
 * sometimes hangs. It honours the AbortSignal, as a real HTTP client (fetch) would.
 */
@Injectable()
export class PaymentGateway {
  behaviour: PaymentGatewayBehaviour = {
    failureRate: Number(process.env.PAYMENT_FAILURE_RATE ?? 0.2),
    hangRate: Number(process.env.PAYMENT_HANG_RATE ?? 0.05),
    latencyMs: [20, 120],
    random: Math.random,
  };
  private sequence = 0;

  /** Charges an order; rejects like a network client on failure or abort. */
  charge(
    orderId: number,
    amountCents: number,
    signal: AbortSignal,
  ): Promise<Payment> {
    const { failureRate, hangRate, latencyMs, random } = this.behaviour;
    const roll = random();
    return new Promise<Payment>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const delay = latencyMs[0] + random() * (latencyMs[1] - latencyMs[0]);
      // A hanging call never answers: only the caller's timeout (abort) ends the wait.
      const timer =
        roll < hangRate
          ? undefined
          : setTimeout(() => {
              signal.removeEventListener('abort', onAbort);
              if (roll < hangRate + failureRate) {
                reject(new Error('payment provider answered 503'));
              } else {
                resolve({
                  paymentId: `pay_${++this.sequence}`,
                  orderId,
                  amountCents,
                });
              }
            }, delay);
      function onAbort(): void {
        clearTimeout(timer);
        reject(signal.reason);
      }
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
