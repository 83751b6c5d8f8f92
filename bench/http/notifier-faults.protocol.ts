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
