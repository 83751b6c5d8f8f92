import { createHash } from 'node:crypto';
import type { AlertEvent } from '../alert-event';
import { AlertDeliveryError, type AlertNotifier } from './alert-notifier';
import { backoffDelayMs, unrefDelay } from './backoff';
import {
  postAlertJson,
  requireHttpUrl,
  requireTimeoutMs,
} from './http-delivery';

/** Options of {@link WebhookAlertNotifier}. */
export interface WebhookAlertNotifierOptions {
  /** Absolute http(s) URL receiving `POST` JSON bodies. */
  url: string;
  /** Extra request headers (e.g. `authorization`). */
  headers?: Record<string, string>;
  /** Time limit of one request in ms (default 5000). */
  timeoutMs?: number;
  /** Immediate retries within one delivery, with backoff (default 2). */
  retries?: number;
  /** First retry delay in ms (default 200), doubling with jitter. */
  retryBaseMs?: number;
  /** Events kept while the receiver is down (default 1000; oldest dropped and counted). */
  maxQueue?: number;
  /** Notifier name in logs and metrics (default `'webhook'`). */
  name?: string;
}

/** JSON body POSTed by {@link WebhookAlertNotifier}. */
export interface WebhookAlertPayload {
  version: '1';
  /** Same value as the `Idempotency-Key` header: identical for every retry of this batch. */
  idempotencyKey: string;
  events: AlertEvent[];
}

/** Header carrying the idempotency key of a webhook delivery. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * Idempotency key of a batch: a hash of each event's id, status and evaluation time, so a
 * retried delivery carries the same key and a receiver can drop duplicates.
 */
export function alertBatchKey(events: readonly AlertEvent[]): string {
  const h = createHash('sha256');
  for (const e of events)
    h.update(`${e.id}\u0000${e.status}\u0000${e.evaluatedAt}\n`);
  return h.digest('hex').slice(0, 32);
}

/**
 * POSTs alert events as JSON to a URL. Each request has a timeout; 5xx, 408, 429 and network
 * errors are retried with exponential backoff and jitter, then the batch goes back to the
 * dispatcher's bounded queue and is retried later with the same `Idempotency-Key`. Delivery
 * runs in the background: it never blocks evaluation or requests.
 *
 * @example
 * new WebhookAlertNotifier({ url: 'https://hooks.example.com/rfs', timeoutMs: 3000, retries: 2 })
 */
export class WebhookAlertNotifier implements AlertNotifier {
  readonly name: string;
  readonly maxQueue: number | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;

  constructor(private readonly options: WebhookAlertNotifierOptions) {
    requireHttpUrl('WebhookAlertNotifier', options.url);
    this.timeoutMs = requireTimeoutMs(
      'WebhookAlertNotifier',
      options.timeoutMs,
      5000,
    );
    this.retries = nonNegativeInt('retries', options.retries, 2);
    this.retryBaseMs = positive('retryBaseMs', options.retryBaseMs, 200);
    this.maxQueue = options.maxQueue;
    this.name = options.name ?? 'webhook';
  }

  /** Delivers one batch; rejects with {@link AlertDeliveryError} when every attempt failed. */
  async notify(events: AlertEvent[]): Promise<void> {
    const idempotencyKey = alertBatchKey(events);
    const payload: WebhookAlertPayload = {
      version: '1',
      idempotencyKey,
      events,
    };
    const body = JSON.stringify(payload);
    let last: AlertDeliveryError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0)
        await unrefDelay(
          backoffDelayMs(attempt, this.retryBaseMs, this.retryBaseMs * 32),
        );
      last = await this.post(body, idempotencyKey);
      if (!last) return;
      if (!last.retryable) throw last;
    }
    throw last ?? new AlertDeliveryError('webhook delivery failed');
  }

  private post(
    body: string,
    key: string,
  ): Promise<AlertDeliveryError | undefined> {
    return postAlertJson({
      label: 'webhook',
      url: this.options.url,
      body,
      headers: { ...this.options.headers, [IDEMPOTENCY_KEY_HEADER]: key },
      timeoutMs: this.timeoutMs,
    });
  }
}

function positive(field: string, v: number | undefined, d: number): number {
  if (v === undefined) return d;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new Error(
      `WebhookAlertNotifier ${field} must be a positive number of milliseconds, got ${String(v)}`,
    );
  return v;
}

function nonNegativeInt(
  field: string,
  v: number | undefined,
  d: number,
): number {
  if (v === undefined) return d;
  if (!Number.isInteger(v) || v < 0)
    throw new Error(
      `WebhookAlertNotifier ${field} must be an integer ≥ 0, got ${String(v)}`,
    );
  return v;
}
