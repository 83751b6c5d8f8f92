import type { AlertEvent } from '../alert-event';

/** Delivers alert events somewhere (logs, a webhook, Alertmanager). */
export interface AlertNotifier {
  /** Name used in logs and the `notifier` label of failure counters. */
  readonly name: string;
  /** Delivers a batch of events. Rejections are logged, counted and retried by the caller. */
  notify(events: AlertEvent[]): Promise<void>;
}
