// Shared by notifier-faults.bench.ts and its child app (notifier-faults-server.ts).

/** The resources the child app serves; each is one operation (`<resource>.get`). */
export const RESOURCES = ['orders', 'customers', 'invoices', 'shipments'];

/** What the child answers to an 'alerts' message. */
export interface AlertsReport {
  type: 'alerts';
  /** Alert events produced so far (firing, re-notified, resolved). */
  events: number;
  /** Alerts firing now. */
  firing: number;
  /** Events waiting for delivery. */
  pending: number;
  /** Failed delivery attempts and dropped events (the rfs_alert_notifications_* counters). */
  failed: number;
  dropped: number;
}

/** What the child answers to a 'loop' message: its event-loop delay since the last 'loop'. */
export interface LoopDelayReport {
  type: 'loop';
  /** 99th percentile and maximum of the event-loop delay (perf_hooks), ms. */
  p99Ms: number;
  maxMs: number;
}
