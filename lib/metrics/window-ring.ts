import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import type { MetricWindow } from './operation-metrics';

/**
 * Relative accuracy of the per-slot DDSketches: a reported percentile is within 1% of a value
 * of the exact rank (the public promise is 2%, leaving room for rank rounding).
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * Bins per sketch before the lowest ones collapse. At 1% accuracy 1024 bins span a ratio of
 * ~8·10⁸ (1 µs … 13 min), so collapsing only ever blurs sub-microsecond values, and one sketch
 * never holds more than 1024 counters whatever the traffic.
 */
export const SKETCH_BIN_LIMIT = 1024;

/** A quantile sketch as used by the windows (DDSketch, mergeable, relative-accuracy). */
export type DurationSketch = LogCollapsingLowestDenseDDSketch;

/** Creates an empty duration sketch with the windows' accuracy and bin limit. */
export function newDurationSketch(): DurationSketch {
  return new LogCollapsingLowestDenseDDSketch({
    relativeAccuracy: SKETCH_RELATIVE_ACCURACY,
    binLimit: SKETCH_BIN_LIMIT,
  });
}

interface StoreInternals {
  bins: ArrayLike<number>;
  minKey: number;
  maxKey: number;
  offset: number;
  count: number;
}

/**
 * Shrinks a sketch that will only be read and merged from: its bins become an exact-length
 * Uint32Array of the used key range (instead of a growable array in 128-bin chunks), about a
 * third of the memory. Counts are whole numbers (weight 1 per value).
 */
export function compactSketch(sketch: DurationSketch): void {
  const store = sketch.store as unknown as StoreInternals;
  if (!Array.isArray(store.bins) || store.count === 0) return;
  const from = store.minKey - store.offset;
  const to = store.maxKey - store.offset + 1;
  store.bins = Uint32Array.from((store.bins as number[]).slice(from, to));
  store.offset = store.minKey;
}

/** Makes a compacted sketch writable again (only needed when a clock goes backwards). */
export function expandSketch(sketch: DurationSketch): void {
  const store = sketch.store as unknown as StoreInternals;
  if (!Array.isArray(store.bins)) store.bins = Array.from(store.bins);
}

/** Length and slot layout of each sliding window. */
export interface WindowLayout {
  readonly window: MetricWindow;
  /** Window length in ms. */
  readonly lengthMs: number;
  /** Number of slots; the slot width is lengthMs / slots. */
  readonly slots: number;
}

/**
 * The windows every operation keeps. A window is a ring of fixed-width slots; a slot is in the
 * window while its start is later than `now − length`, so a value stops counting at most
 * `length` after it was recorded and at least `length − width` after. The 15 m ring has one
 * slot per minute: the dashboard's sparklines read its slots directly.
 */
export const WINDOW_LAYOUTS: readonly WindowLayout[] = [
  { window: '1m', lengthMs: 60_000, slots: 12 },
  { window: '5m', lengthMs: 300_000, slots: 10 },
  { window: '15m', lengthMs: 900_000, slots: 15 },
  { window: '1h', lengthMs: 3_600_000, slots: 12 },
];

/** The accepted window names, in increasing length. */
export const METRIC_WINDOWS: readonly MetricWindow[] = WINDOW_LAYOUTS.map(
  (l) => l.window,
);

/** True when `value` is one of {@link METRIC_WINDOWS}. */
export function isMetricWindow(value: unknown): value is MetricWindow {
  return (
    typeof value === 'string' &&
    (METRIC_WINDOWS as readonly string[]).includes(value)
  );
}

/** Counts of one slot (one interval of one window of one operation). */
export class WindowSlot {
  /** Slot index (`floor(time / width)`); -1 when never used. */
  index = -1;
  ok = 0;
  err = 0;
  defect = 0;
  sumMs = 0;
  maxMs = 0;
  fluxOk = 0;
  fluxErr = 0;
  /** Durations of every outcome; created on the first value. */
  sketch: DurationSketch | undefined;
  /** Count per error code (`defect` for defects); created on the first failure. */
  errors: Map<string, number> | undefined;
  /** The sketch was compacted (the slot is complete). */
  compacted = false;

  /** Compacts the slot's sketch: the slot will not be written again. */
  compact(): void {
    if (this.sketch && !this.compacted) compactSketch(this.sketch);
    this.compacted = true;
  }

  /** Undoes {@link compact} before a write. */
  writable(): this {
    if (this.compacted) {
      if (this.sketch) expandSketch(this.sketch);
      this.compacted = false;
    }
    return this;
  }

  /** Empties the slot and moves it to `index`. */
  reuse(index: number): void {
    this.index = index;
    this.ok = 0;
    this.err = 0;
    this.defect = 0;
    this.sumMs = 0;
    this.maxMs = 0;
    this.fluxOk = 0;
    this.fluxErr = 0;
    this.sketch = undefined;
    this.errors = undefined;
    this.compacted = false;
  }
}

/** One sliding window of one operation: a ring of {@link WindowSlot}s. */
export class WindowRing {
  readonly widthMs: number;
  private readonly slots: WindowSlot[];

  constructor(readonly layout: WindowLayout) {
    this.widthMs = layout.lengthMs / layout.slots;
    this.slots = Array.from({ length: layout.slots }, () => new WindowSlot());
  }

  /** The slot that holds time `now`, emptied first if it held an older interval. */
  current(now: number): WindowSlot {
    const index = Math.floor(now / this.widthMs);
    const slot = this.slots[index % this.slots.length];
    if (slot.index !== index) slot.reuse(index);
    return slot;
  }

  /** Slots inside the window at `now`, oldest first. */
  inWindow(now: number): WindowSlot[] {
    const last = Math.floor(now / this.widthMs);
    const first = last - this.slots.length + 1;
    const out: WindowSlot[] = [];
    for (const s of this.slots)
      if (s.index >= first && s.index <= last) out.push(s);
    return out.sort((a, b) => a.index - b.index);
  }

  /** Whether the slot of `index` is inside the window at `now`. */
  holds(index: number, now: number): boolean {
    const last = Math.floor(now / this.widthMs);
    return index <= last && index > last - this.slots.length;
  }

  /** Index of the slot holding time `t`. */
  indexAt(now: number): number {
    return Math.floor(now / this.widthMs);
  }

  /** Empties every slot. */
  clear(): void {
    for (const s of this.slots) s.reuse(-1);
  }
}
