import type { AlertEvent } from '../alerts/alert-event';
import type { AlertNotifier } from '../alerts/notifiers/alert-notifier';

/**
 * An {@link AlertNotifier} that keeps every event it is handed, in delivery order. The testing
 * module registers one, so alert tests read what would have been sent.
 */
export class RecordingAlertNotifier implements AlertNotifier {
  /** Notifier name (`recording`), as in logs and failure counters. */
  readonly name: string;
  private readonly recorded: AlertEvent[] = [];
  private readonly batchList: AlertEvent[][] = [];

  constructor(name = 'recording') {
    this.name = name;
  }

  /** Records the batch (synchronously; the promise resolves at once). */
  notify(events: AlertEvent[]): Promise<void> {
    this.batchList.push([...events]);
    this.recorded.push(...events);
    return Promise.resolve();
  }

  /** Every delivered event, optionally only those matching `filter`'s fields. */
  events(
    filter: Partial<
      Pick<AlertEvent, 'rule' | 'operation' | 'status' | 'severity'>
    > = {},
  ): AlertEvent[] {
    return this.recorded.filter(
      (e) =>
        (filter.rule === undefined || e.rule === filter.rule) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.status === undefined || e.status === filter.status) &&
        (filter.severity === undefined || e.severity === filter.severity),
    );
  }

  /** The delivered batches, as the dispatcher handed them over. */
  batches(): AlertEvent[][] {
    return this.batchList.map((b) => [...b]);
  }

  /** Forgets what was recorded. */
  clear(): void {
    this.recorded.length = 0;
    this.batchList.length = 0;
  }
}
