import type {
  AlertMetricsSource,
  MetricWindow,
  OperationMetrics,
  RfsClock,
} from 'nestjs-rfs';

/** One recorded call for {@link FakeAlertMetricsSource}. */
export interface FakeCall {
  at: number;
  operation: string;
  outcome: 'ok' | 'err' | 'defect';
  durationMs: number;
  errorCode?: string;
  flux?: { ok: number; err: number };
  correlationId?: string;
}

const WINDOW_MS: Record<MetricWindow, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
};

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

/**
 * Exact in-memory metrics over recorded calls (window = (now − length, now]), for alert specs:
 * the same shape the metrics collector returns, computed naively so expectations are obvious.
 */
export class FakeAlertMetricsSource implements AlertMetricsSource {
  readonly calls: FakeCall[] = [];
  private readonly ops = new Set<string>();

  constructor(private readonly clock: RfsClock) {}

  declare(operation: string): void {
    this.ops.add(operation);
  }

  record(call: Omit<FakeCall, 'at'> & { at?: number }): void {
    this.ops.add(call.operation);
    this.calls.push({ ...call, at: call.at ?? this.clock.now() });
  }

  /** Records `n` calls of `operation` at the current time. */
  many(
    n: number,
    operation: string,
    outcome: FakeCall['outcome'],
    extra: Partial<FakeCall> = {},
  ): void {
    for (let i = 0; i < n; i++)
      this.record({ operation, outcome, durationMs: 10, ...extra });
  }

  getOperations(): string[] {
    return [...this.ops].sort();
  }

  private inWindow(operation: string, window: MetricWindow): FakeCall[] {
    const now = this.clock.now();
    const from = now - WINDOW_MS[window];
    return this.calls.filter(
      (c) => c.operation === operation && c.at > from && c.at <= now,
    );
  }

  getOperationMetrics(
    operation: string,
    window: MetricWindow,
  ): OperationMetrics {
    const calls = this.inWindow(operation, window);
    const total = calls.length;
    const ok = calls.filter((c) => c.outcome === 'ok').length;
    const err = calls.filter((c) => c.outcome === 'err').length;
    const defect = total - ok - err;
    const d = calls.map((c) => c.durationMs).sort((a, b) => a - b);
    const fluxOk = calls.reduce((s, c) => s + (c.flux?.ok ?? 0), 0);
    const fluxErr = calls.reduce((s, c) => s + (c.flux?.err ?? 0), 0);
    const errorBreakdown: Record<string, number> = {};
    for (const c of calls) {
      if (c.outcome === 'ok') continue;
      const code =
        c.outcome === 'defect' ? 'defect' : (c.errorCode ?? 'UNKNOWN');
      errorBreakdown[code] = (errorBreakdown[code] ?? 0) + 1;
    }
    return {
      operation,
      window,
      total,
      ok,
      err,
      defect,
      successRate: total ? ok / total : 1,
      errorRate: total ? (err + defect) / total : 0,
      meanMs: total ? d.reduce((a, b) => a + b, 0) / total : 0,
      p50Ms: percentile(d, 0.5),
      p90Ms: percentile(d, 0.9),
      p95Ms: percentile(d, 0.95),
      p99Ms: percentile(d, 0.99),
      maxMs: d.length ? d[d.length - 1] : 0,
      throughputPerSec: total / (WINDOW_MS[window] / 1000),
      fluxItems: { ok: fluxOk, err: fluxErr },
      fluxSuccessRate: fluxOk + fluxErr ? fluxOk / (fluxOk + fluxErr) : 1,
      errorBreakdown,
      topErrors: Object.entries(errorBreakdown)
        .map(([code, count]) => ({ code, count }))
        .sort((a, b) => b.count - a.count),
    };
  }

  getSampleCorrelationIds(
    operation: string,
    window: MetricWindow,
    limit: number,
  ): string[] {
    return this.inWindow(operation, window)
      .filter((c) => c.outcome !== 'ok' && c.correlationId)
      .map((c) => c.correlationId!)
      .reverse()
      .slice(0, limit);
  }
}
