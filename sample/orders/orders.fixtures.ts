// Shared setup of the orders sample e2e specs: the sample's payment gateway made scripted and
// the orders feature served through resultTestContext on Express or Fastify. Jest test
// support: the sample build compiles it (it is not a spec) but the app never loads it.
/// <reference types="jest" />
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { type ResultTestContext, resultTestContext } from 'nestjs-rfs/testing';
import { DatabaseModule } from '../database/database.module';
import { PaymentGateway } from '../payments/payment-gateway';
import {
  PAYMENT_POLICY,
  type PaymentPolicy,
} from '../payments/payments.service';
import { OrdersModule } from './orders.module';

/** What the next payment attempt does. */
export type GatewayOutcome = 'ok' | 'fail' | 'hang';

/** The sample's gateway with a script of outcomes and a count of attempts. */
export type ScriptedGateway = PaymentGateway & {
  script: (...outcomes: GatewayOutcome[]) => void;
  calls: number;
};

/**
 * The sample's real gateway made deterministic: each call takes the next scripted outcome
 * (the gateway draws two numbers per call: the outcome roll, then the latency), answers at
 * once, and `calls` counts the attempts.
 */
export function scriptedGateway(): ScriptedGateway {
  const gateway = new PaymentGateway();
  const queue: GatewayOutcome[] = [];
  const roll: Record<GatewayOutcome, number> = {
    hang: 0.1,
    fail: 0.5,
    ok: 0.9,
  };
  let draw = 0;
  const scripted = Object.assign(gateway, {
    calls: 0,
    script: (...outcomes: GatewayOutcome[]) => queue.push(...outcomes),
  });
  gateway.behaviour = {
    hangRate: 0.25,
    failureRate: 0.5,
    latencyMs: [0, 0],
    random: () => {
      if (draw++ % 2 === 1) return 0; // latency
      scripted.calls += 1;
      return roll[queue.shift() ?? 'ok'];
    },
  };
  return scripted;
}

/** The payment policy of the specs: 25 ms per attempt, 2 retries, no delay. */
export const POLICY: PaymentPolicy = {
  attemptTimeoutMs: 25,
  retries: 2,
  retryDelayMs: 0,
};

/** A valid order body. */
export const order = (reference: string, amountCents = 1500) => ({
  reference,
  customer: 'Ada Lovelace',
  amountCents,
});

/** A reply read whole; `body` is the parsed JSON (or problem+json) body. */
export interface OrdersReply {
  status: number;
  headers: Headers;
  type: string;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read replies field by field
  body: any;
}

/** The orders feature on `adapter`, its scripted gateway and a client of its HTTP API. */
export interface OrdersSample {
  ctx: ResultTestContext;
  gateway: ScriptedGateway;
  call: (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<OrdersReply>;
}

/**
 * Serves the orders feature (in-memory database, scripted gateway, {@link POLICY}) through
 * resultTestContext on `adapter`. The caller closes `ctx`.
 */
async function startOrdersSample(
  adapter: 'express' | 'fastify',
): Promise<OrdersSample> {
  const gateway = scriptedGateway();
  const ctx = await resultTestContext({
    imports: [
      DatabaseModule.forRoot({ path: ':memory:', seed: false }),
      OrdersModule,
    ],
    mocks: [
      { provide: PaymentGateway, useValue: gateway },
      { provide: PAYMENT_POLICY, useValue: POLICY },
    ],
    options: { serviceName: 'orders-sample' },
    http: adapter === 'express' ? true : new FastifyAdapter(),
  });
  const base = ctx.url!;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<OrdersReply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers:
        body === undefined
          ? headers
          : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      headers: res.headers,
      type,
      text,
      body: /^application\/(problem\+)?json/.test(type)
        ? (JSON.parse(text) as never)
        : undefined,
    };
  };
  return { ctx, gateway, call };
}

/**
 * A fresh orders sample on `adapter` for each test (started before it, closed after it). Read
 * `ctx` and `gateway` inside tests: they change from test to test.
 */
export function useOrdersSample(adapter: 'express' | 'fastify'): OrdersSample {
  let current: OrdersSample | undefined;
  const started = (): OrdersSample => {
    if (current === undefined) throw new Error('no orders sample is running');
    return current;
  };
  beforeEach(async () => {
    current = await startOrdersSample(adapter);
  });
  afterEach(async () => {
    await current?.ctx.close();
    current = undefined;
  });
  return {
    get ctx() {
      return started().ctx;
    },
    get gateway() {
      return started().gateway;
    },
    call: (...args) => started().call(...args),
  };
}
