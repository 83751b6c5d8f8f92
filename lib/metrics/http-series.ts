import type { CounterSeries } from './operation-stats';
import { onCounterRead, type RfsPromMetrics } from './prometheus-metrics';
import { flushSeries } from './result-metrics.prometheus';

/** The cached label children of one `{method, route, status}`. */
interface HttpSeriesEntry {
  readonly requests: CounterSeries;
  readonly duration: { observe(value: number): void };
}

/**
 * The HTTP RED series (`rfs_http_requests_total`, `rfs_http_request_duration_seconds`) of the
 * handlers' events, with the prom-client label children cached per method, route template and
 * status: a request hashes no label object, and the request counter takes its increments at its
 * next read (scrape or `get()`), as the operation counters do. At most `maxEntries` label sets
 * are cached (routes are templates and statuses few, so this is a guard, not a limit users
 * meet); past it, series are recorded directly (still exact, only slower).
 *
 * @internal used by ResultMetricsCollector
 */
export class HttpSeries {
  private readonly entries = new Map<string, HttpSeriesEntry>();
  private removeFlush: (() => void) | undefined;

  constructor(
    private readonly prom: RfsPromMetrics,
    private readonly maxEntries = 1_000,
  ) {
    this.removeFlush = prom.httpRequests
      ? onCounterRead(prom.httpRequests, () => this.flush())
      : undefined;
  }

  /**
   * Records one request (no-op when the HTTP series are off). Without `seconds` (a request
   * whose start time is unknown) only the request counter is incremented.
   */
  record(
    method: string,
    route: string,
    status: number,
    seconds?: number,
  ): void {
    const { httpRequests, httpDuration } = this.prom;
    if (!httpRequests || !httpDuration) return;
    const key = `${method} ${status} ${route}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const labels = {
        method: method.toUpperCase(),
        route,
        status: String(status),
      };
      if (this.entries.size >= this.maxEntries) {
        httpRequests.inc(labels);
        if (seconds !== undefined) httpDuration.observe(labels, seconds);
        return;
      }
      entry = {
        requests: { child: httpRequests.labels(labels), pending: 0 },
        duration: httpDuration.labels(labels),
      };
      this.entries.set(key, entry);
    }
    if (this.removeFlush) entry.requests.pending++;
    else entry.requests.child.inc();
    if (seconds !== undefined) entry.duration.observe(seconds);
  }

  /** Hands the counted increments to prom-client (run before every read of the counter). */
  flush(): void {
    for (const entry of this.entries.values()) flushSeries(entry.requests);
  }

  /** Forgets the cached children (after the series were reset). */
  clear(): void {
    this.entries.clear();
  }

  /** Flushes and stops listening for reads: later records increment prom-client directly. */
  close(): void {
    this.flush();
    this.removeFlush?.();
    this.removeFlush = undefined;
  }
}
