import type { OperationOutcome } from '../result/outcome';
import type { MetricWindow, OperationMetrics } from './operation-metrics';
import {
  WINDOW_LAYOUTS,
  WindowRing,
  type WindowSlot,
  newDurationSketch,
} from './window-ring';

/** Correlation ids of failing operations kept per operation (for alert samples). */
export const FAILURE_SAMPLE_CAPACITY = 20;

/** One point of an operation's recent history (one slot of the 15 m window). */
export interface OperationHistoryPoint {
  /** Start of the interval, ms since the epoch. */
  t: number;
  /** Operations finished per second in the interval. */
  throughputPerSec: number;
  /** (err + defect) / total in the interval (0 without traffic). */
  errorRate: number;
  /** 95th percentile of durations in the interval (0 without traffic). */
  p95Ms: number;
}

/** One `rfs_operations_total` series: its prom-client child and increments not yet handed over. */
export interface CounterSeries {
  readonly child: { inc(value?: number): void };
  pending: number;
}

/** Cached prom-client label children of one operation (index 0 ok, 1 err, 2 defect). */
export interface PromChildren {
  /** `error_code=""` series per outcome. */
  counters: CounterSeries[];
  durations: { observe(value: number): void }[];
  /** Err series per error code (bounded by `maxErrorCodes` + `__other__`). */
  errors: Map<string, CounterSeries>;
}

/**
 * The in-process state of one operation: one ring per window and the last failing correlation
 * ids. Memory is fixed by the layout (49 slots, each with at most one bounded sketch and one
 * error map bounded by `maxErrorCodes`), whatever the traffic.
 */
export class OperationStats {
  readonly rings: WindowRing[] = WINDOW_LAYOUTS.map((l) => new WindowRing(l));
  /** Error codes seen so far (bounded by the collector's `maxErrorCodes`). */
  readonly errorCodes = new Set<string>();
  /** Whether the error-code overflow warning was logged. */
  errorCodesWarned = false;
  /** Prometheus children, created on the first record. */
  prom: PromChildren | undefined;
  private readonly failTimes: number[] = [];
  private readonly failIds: string[] = [];
  private failNext = 0;

  constructor(readonly operation: string) {}

  /**
   * The 1 m slot being written. Only this slot takes each value (one sketch insert per record);
   * when time moves to the next 5 s slot it is folded into the coarser rings, and until then
   * queries of the coarser windows include it.
   */
  private pending: WindowSlot | undefined;
  /** Per coarse ring, the slot the last fold wrote (compacted when folds move past it). */
  private readonly foldTargets: (WindowSlot | undefined)[] = [];

  /** Adds one finished operation to every window. */
  add(
    now: number,
    outcome: OperationOutcome,
    durationMs: number,
    errorCode: string | undefined,
  ): void {
    const slot = this.slotAt(now);
    if (outcome === 'ok') slot.ok++;
    else if (outcome === 'err') slot.err++;
    else slot.defect++;
    slot.sumMs += durationMs;
    if (durationMs > slot.maxMs) slot.maxMs = durationMs;
    (slot.sketch ??= newDurationSketch()).accept(durationMs);
    if (errorCode !== undefined) {
      const errors = (slot.errors ??= new Map());
      errors.set(errorCode, (errors.get(errorCode) ?? 0) + 1);
    }
  }

  /** Adds FluxResult item counts to every window. */
  addFlux(now: number, ok: number, err: number): void {
    const slot = this.slotAt(now);
    slot.fluxOk += ok;
    slot.fluxErr += err;
  }

  private slotAt(now: number): WindowSlot {
    const fine = this.rings[0];
    const pending = this.pending;
    if (pending !== undefined && pending.index === fine.indexAt(now))
      return pending;
    // A clock that went backwards (tests) simply starts a new slot; nothing is folded twice.
    if (pending !== undefined && pending.index < fine.indexAt(now))
      this.fold(pending);
    const slot = fine.current(now).writable();
    this.pending = slot;
    return slot;
  }

  /** Adds a finished 1 m slot to the slot of the same time in each coarser ring. */
  private fold(fine: WindowSlot): void {
    const t = fine.index * this.rings[0].widthMs;
    for (let i = 1; i < this.rings.length; i++) {
      const s = this.rings[i].current(t);
      // A coarse slot is complete once folds move on to the next one.
      const last = this.foldTargets[i];
      if (last !== undefined && last !== s) last.compact();
      this.foldTargets[i] = s.writable();
      s.ok += fine.ok;
      s.err += fine.err;
      s.defect += fine.defect;
      s.sumMs += fine.sumMs;
      if (fine.maxMs > s.maxMs) s.maxMs = fine.maxMs;
      s.fluxOk += fine.fluxOk;
      s.fluxErr += fine.fluxErr;
      if (fine.sketch) (s.sketch ??= newDurationSketch()).merge(fine.sketch);
      if (fine.errors) {
        const errors = (s.errors ??= new Map());
        for (const [code, n] of fine.errors)
          errors.set(code, (errors.get(code) ?? 0) + n);
      }
    }
    fine.compact();
  }

  /** Slots making up `ring`'s window at `now`: its own, plus the unfolded 1 m slot. */
  private slotsOf(ring: WindowRing, now: number): WindowSlot[] {
    const slots = ring.inWindow(now);
    const p = this.pending;
    if (ring !== this.rings[0] && p !== undefined) {
      const index = ring.indexAt(p.index * this.rings[0].widthMs);
      if (ring.holds(index, now)) slots.push(p);
    }
    return slots;
  }

  /** Remembers the correlation id of a failing operation (ring of the last 20). */
  addFailure(now: number, correlationId: string): void {
    const i = this.failNext;
    this.failTimes[i] = now;
    this.failIds[i] = correlationId;
    this.failNext = (i + 1) % FAILURE_SAMPLE_CAPACITY;
  }

  /** The most recent failing correlation ids inside `lengthMs` before `now`, newest first. */
  failures(now: number, lengthMs: number, limit: number): string[] {
    const out: string[] = [];
    const n = this.failIds.length;
    for (let k = 1; k <= n && out.length < limit; k++) {
      const i = (this.failNext - k + n) % n;
      if (now - this.failTimes[i] < lengthMs && this.failTimes[i] <= now)
        out.push(this.failIds[i]);
    }
    return out;
  }

  /** Windowed statistics (see {@link OperationMetrics}). */
  metrics(now: number, window: MetricWindow): OperationMetrics {
    const ring = this.ring(window);
    return summarize(
      this.operation,
      window,
      ring.layout.lengthMs,
      this.slotsOf(ring, now),
    );
  }

  /** One point per minute of the last 15 minutes, oldest first, gaps filled with zeros. */
  history(now: number): OperationHistoryPoint[] {
    const ring = this.ring('15m');
    const byIndex = new Map<number, WindowSlot[]>();
    for (const s of this.slotsOf(ring, now)) {
      const i =
        s === this.pending
          ? ring.indexAt(s.index * this.rings[0].widthMs)
          : s.index;
      byIndex.set(i, [...(byIndex.get(i) ?? []), s]);
    }
    const last = ring.indexAt(now);
    const points: OperationHistoryPoint[] = [];
    for (let i = last - ring.layout.slots + 1; i <= last; i++) {
      const m = summarize(
        this.operation,
        '15m',
        ring.widthMs,
        byIndex.get(i) ?? [],
      );
      points.push({
        t: i * ring.widthMs,
        throughputPerSec: m.throughputPerSec,
        errorRate: m.errorRate,
        p95Ms: m.p95Ms,
      });
    }
    return points;
  }

  /** Forgets everything. */
  clear(): void {
    for (const r of this.rings) r.clear();
    this.pending = undefined;
    this.foldTargets.length = 0;
    this.failTimes.length = 0;
    this.failIds.length = 0;
    this.failNext = 0;
  }

  private ring(window: MetricWindow): WindowRing {
    const ring = this.rings.find((r) => r.layout.window === window);
    if (!ring) throw new Error(`Unknown metric window ${window}`);
    return ring;
  }
}

/** Metrics of an operation with no data in the window. */
export function emptyOperationMetrics(
  operation: string,
  window: MetricWindow,
): OperationMetrics {
  return summarize(operation, window, 1, []);
}

function summarize(
  operation: string,
  window: MetricWindow,
  lengthMs: number,
  slots: WindowSlot[],
): OperationMetrics {
  let ok = 0;
  let err = 0;
  let defect = 0;
  let sumMs = 0;
  let maxMs = 0;
  let fluxOk = 0;
  let fluxErr = 0;
  const merged = newDurationSketch();
  const errorBreakdown: Record<string, number> = {};
  for (const s of slots) {
    ok += s.ok;
    err += s.err;
    defect += s.defect;
    sumMs += s.sumMs;
    if (s.maxMs > maxMs) maxMs = s.maxMs;
    fluxOk += s.fluxOk;
    fluxErr += s.fluxErr;
    if (s.sketch) merged.merge(s.sketch);
    if (s.errors)
      for (const [code, n] of s.errors)
        errorBreakdown[code] = (errorBreakdown[code] ?? 0) + n;
  }
  const total = ok + err + defect;
  const q = (p: number): number =>
    merged.count > 0 ? Math.min(merged.getValueAtQuantile(p), maxMs) : 0;
  const topErrors = Object.entries(errorBreakdown)
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .slice(0, 5);
  const fluxItems = fluxOk + fluxErr;
  return {
    operation,
    window,
    total,
    ok,
    err,
    defect,
    ...outcomeRates(ok, err, defect),
    meanMs: total > 0 ? sumMs / total : 0,
    p50Ms: q(0.5),
    p90Ms: q(0.9),
    p95Ms: q(0.95),
    p99Ms: q(0.99),
    maxMs,
    throughputPerSec: total / (lengthMs / 1000),
    fluxItems: { ok: fluxOk, err: fluxErr },
    fluxSuccessRate: fluxItems > 0 ? fluxOk / fluxItems : 1,
    errorBreakdown,
    topErrors,
  };
}

/**
 * Success and error rates of outcome counts, as {@link OperationMetrics} and the collector's
 * summary report them: with nothing finished, nothing failed (success 1, errors 0).
 */
export function outcomeRates(
  ok: number,
  err: number,
  defect: number,
): { successRate: number; errorRate: number } {
  const total = ok + err + defect;
  return total > 0
    ? { successRate: ok / total, errorRate: (err + defect) / total }
    : { successRate: 1, errorRate: 0 };
}
