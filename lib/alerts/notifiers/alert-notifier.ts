import type { AlertEvent } from '../alert-event';

/**
 * Delivers alert events somewhere (logs, a webhook, Alertmanager). `ResultAlertService` hands
 * events to notifiers through a queue per notifier, so a slow or failing notifier never blocks
 * evaluation, requests, or the other notifiers.
 *
 * @example
 * class SlackNotifier implements AlertNotifier {
 *   readonly name = 'slack';
 *   async notify(events: AlertEvent[]) { await postToSlack(events); }
 * }
 */
export interface AlertNotifier {
  /** Name used in logs and the `notifier` label of failure counters. */
  readonly name: string;
  /**
   * Events kept queued while this notifier fails (oldest dropped and counted beyond).
   * Default 1000.
   */
  readonly maxQueue?: number;
  /**
   * Delivers a batch of events. A rejection is logged, counted and retried with backoff by
   * the caller, unless it is an {@link AlertDeliveryError} with `retryable: false`.
   */
  notify(events: AlertEvent[]): Promise<void>;
  /**
   * Receives a callback for failures of the notifier's own background work (e.g.
   * Alertmanager re-sends), so they are counted like failed deliveries.
   */
  attachFailureReporter?(report: (error: unknown) => void): void;
  /** Stops background work (timers). Called on shutdown after the final flush. */
  close?(): void | Promise<void>;
}

/** A delivery failure; `retryable: false` (e.g. HTTP 400) makes the dispatcher drop the batch. */
export class AlertDeliveryError extends Error {
  constructor(
    message: string,
    /** Whether trying again can succeed. */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'AlertDeliveryError';
  }
}
