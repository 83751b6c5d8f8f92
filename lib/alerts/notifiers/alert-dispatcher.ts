import { Logger } from '@nestjs/common';
import type { AlertEvent } from '../alert-event';
import { AlertDeliveryError, type AlertNotifier } from './alert-notifier';
import { backoffDelayMs } from './backoff';

/** Where the dispatcher reports (the alert service wires these to prom-client counters). */
export interface AlertDispatcherOptions {
  /** Called on every failed delivery attempt. */
  onFailure?: (notifier: string, error: unknown) => void;
  /** Called when events are dropped (full queue, non-retryable error, shutdown deadline). */
  onDrop?: (notifier: string, events: number) => void;
  /** First retry delay (ms, default 1000); doubles per attempt with jitter. */
  retryBaseMs?: number;
  /** Longest retry delay (ms, default 60000). */
  retryMaxMs?: number;
  /** Logger (default Nest `Logger('RfsAlerts')`). */
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** Random source of the jitter (tests). */
  random?: () => number;
}

interface NotifierQueue {
  readonly notifier: AlertNotifier;
  readonly max: number;
  batches: AlertEvent[][];
  inFlight: AlertEvent[] | undefined;
  running: boolean;
  attempt: number;
  wake: (() => void) | undefined;
  idleWaiters: (() => void)[];
}

const DEFAULT_MAX_QUEUE = 1000;
const FLUSH_RETRY_MS = 50;

/**
 * Delivers alert events to every notifier through its own bounded queue: each notifier gets
 * the batches in order, a failed batch is retried with exponential backoff and jitter until
 * delivered, and when a queue exceeds the notifier's `maxQueue` events the oldest are dropped
 * and counted. `dispatch` never waits and never throws.
 */
export class AlertDispatcher {
  private readonly queues: NotifierQueue[];
  private readonly logger: Pick<Logger, 'warn' | 'error'>;
  private flushing = false;
  private stopped = false;

  constructor(
    notifiers: readonly AlertNotifier[],
    private readonly options: AlertDispatcherOptions = {},
  ) {
    this.logger = options.logger ?? new Logger('RfsAlerts');
    for (const n of notifiers)
      n.attachFailureReporter?.((err) => options.onFailure?.(n.name, err));
    this.queues = notifiers.map((notifier) => ({
      notifier,
      max: Math.max(1, notifier.maxQueue ?? DEFAULT_MAX_QUEUE),
      batches: [],
      inFlight: undefined,
      running: false,
      attempt: 0,
      wake: undefined,
      idleWaiters: [],
    }));
  }

  /** The notifiers events go to. */
  get notifiers(): AlertNotifier[] {
    return this.queues.map((q) => q.notifier);
  }

  /** Events waiting (or being delivered) per notifier name. */
  pending(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const q of this.queues) out[q.notifier.name] = countEvents(q.batches);
    return out;
  }

  /** Queues `events` as one batch for every notifier and starts delivery in the background. */
  dispatch(events: readonly AlertEvent[]): void {
    if (events.length === 0 || this.stopped) return;
    for (const q of this.queues) {
      q.batches.push([...events]);
      this.trim(q);
      void this.run(q);
    }
  }

  /**
   * Retries pending batches at once (short retry delay) until every queue is empty or
   * `deadlineMs` passes. Returns whether everything was delivered.
   */
  async flush(deadlineMs: number): Promise<boolean> {
    this.flushing = true;
    try {
      const idle = Promise.all(
        this.queues.map((q) => {
          q.wake?.();
          void this.run(q);
          return this.whenIdle(q);
        }),
      ).then(() => true);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), deadlineMs);
        timer.unref?.();
      });
      const done = await Promise.race([idle, timeout]);
      clearTimeout(timer);
      return done;
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Flushes within `deadlineMs`, then stops: undelivered events are logged and counted as
   * dropped, and every notifier's `close()` is called.
   */
  async close(deadlineMs: number): Promise<void> {
    if (this.stopped) return;
    await this.flush(deadlineMs);
    this.stopped = true;
    for (const q of this.queues) {
      const lost = countEvents(q.batches);
      q.batches = [];
      q.wake?.();
      if (lost > 0) {
        this.options.onDrop?.(q.notifier.name, lost);
        this.logger.error(
          `Alert notifier "${q.notifier.name}" still had ${lost} undelivered event(s) when the shutdown deadline passed; they are lost.`,
        );
      }
      try {
        await q.notifier.close?.();
      } catch (err) {
        this.logger.warn(
          `Alert notifier "${q.notifier.name}" failed to close: ${describe(err)}`,
        );
      }
    }
  }

  private trim(q: NotifierQueue): void {
    let size = countEvents(q.batches);
    let dropped = 0;
    // The batch being delivered stays: dropping it mid-flight could not stop the delivery.
    const first =
      q.inFlight !== undefined && q.batches[0] === q.inFlight ? 1 : 0;
    while (size > q.max && q.batches.length > first + 1) {
      const [removed] = q.batches.splice(first, 1);
      size -= removed.length;
      dropped += removed.length;
    }
    if (size > q.max && q.batches.length > first) {
      const last = q.batches[q.batches.length - 1];
      const cut = Math.min(last.length, size - q.max);
      q.batches[q.batches.length - 1] = last.slice(cut);
      dropped += cut;
    }
    if (dropped > 0) {
      this.options.onDrop?.(q.notifier.name, dropped);
      this.logger.warn(
        `Alert notifier "${q.notifier.name}" queue is full (${q.max} events): dropped the ${dropped} oldest event(s).`,
      );
    }
  }

  private async run(q: NotifierQueue): Promise<void> {
    if (q.running) return;
    q.running = true;
    try {
      while (q.batches.length > 0 && !this.stopped) {
        const batch = q.batches[0];
        q.inFlight = batch;
        try {
          await q.notifier.notify(batch);
          remove(q, batch);
          q.attempt = 0;
        } catch (err) {
          this.options.onFailure?.(q.notifier.name, err);
          if (err instanceof AlertDeliveryError && !err.retryable) {
            remove(q, batch);
            this.options.onDrop?.(q.notifier.name, batch.length);
            this.logger.error(
              `Alert notifier "${q.notifier.name}" rejected ${batch.length} event(s) permanently: ${describe(err)}`,
            );
            continue;
          }
          q.attempt++;
          const delay = this.flushing
            ? FLUSH_RETRY_MS
            : backoffDelayMs(
                q.attempt,
                this.options.retryBaseMs ?? 1000,
                this.options.retryMaxMs ?? 60_000,
                this.options.random,
              );
          this.logger.warn(
            `Alert notifier "${q.notifier.name}" failed (attempt ${q.attempt}, retry in ${Math.round(delay)} ms): ${describe(err)}`,
          );
          await this.sleep(q, delay);
        } finally {
          q.inFlight = undefined;
        }
      }
    } finally {
      q.running = false;
      const waiters = q.idleWaiters;
      q.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private sleep(q: NotifierQueue, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done(): void {
        clearTimeout(timer);
        q.wake = undefined;
        resolve();
      }
      q.wake = done;
    });
  }

  private whenIdle(q: NotifierQueue): Promise<void> {
    if (!q.running && q.batches.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (q.batches.length === 0 || this.stopped) resolve();
        else {
          q.idleWaiters.push(check);
          void this.run(q);
        }
      };
      q.idleWaiters.push(check);
    });
  }
}

function remove(q: NotifierQueue, batch: AlertEvent[]): void {
  const i = q.batches.indexOf(batch);
  if (i >= 0) q.batches.splice(i, 1);
}

function countEvents(batches: AlertEvent[][]): number {
  let n = 0;
  for (const b of batches) n += b.length;
  return n;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
