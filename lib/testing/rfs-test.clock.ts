import type { RfsClock } from '../rfs.clock';

interface Scheduled {
  readonly intervalMs: number;
  readonly fn: (now: number) => void;
  next: number;
}

/** Where an {@link RfsTestClock} starts by default: 2026-01-01T00:00:00Z. */
export const RFS_TEST_CLOCK_START = Date.UTC(2026, 0, 1);

/**
 * A manual {@link RfsClock}: time moves only through {@link RfsTestClock.advance}, so metric
 * windows and alert evaluation (`for`, cooldowns) are tested without waiting. Work scheduled
 * with {@link RfsTestClock.every} (the testing module schedules alert evaluation) runs at each
 * due time that an `advance` passes, in time order.
 *
 * @example
 * ```ts
 * const { clock, alerts } = await resultTestContext({ providers: [OrdersService] });
 * clock.advance(60_000); // one minute later: windows rotated, alerts evaluated 4× (15s interval)
 * ```
 */
export class RfsTestClock implements RfsClock {
  private time: number;
  private readonly scheduled = new Set<Scheduled>();

  constructor(startMs: number = RFS_TEST_CLOCK_START) {
    requireTime(startMs, 'RfsTestClock: startMs');
    this.time = startMs;
  }

  /** Current time in epoch ms. */
  now(): number {
    return this.time;
  }

  /** Moves time forward by `ms`, running scheduled work at each due time passed. */
  advance(ms: number): this {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `RfsTestClock.advance: ms must be a finite number >= 0, got ${String(ms)}.`,
      );
    }
    const target = this.time + ms;
    for (;;) {
      let due: Scheduled | undefined;
      for (const s of this.scheduled) {
        if (s.next <= target && (due === undefined || s.next < due.next)) {
          due = s;
        }
      }
      if (due === undefined) break;
      this.time = due.next;
      due.next += due.intervalMs;
      try {
        due.fn(this.time);
      } catch {
        // scheduled observability work never breaks the test's own flow
      }
    }
    this.time = target;
    return this;
  }

  /** Jumps to `epochMs` (never backwards), running scheduled work on the way. */
  setTime(epochMs: number): this {
    requireTime(epochMs, 'RfsTestClock.setTime: epochMs');
    if (epochMs < this.time) {
      throw new RangeError(
        `RfsTestClock.setTime: time only moves forward (now ${this.time}, asked ${epochMs}).`,
      );
    }
    return this.advance(epochMs - this.time);
  }

  /** Runs `fn(now)` every `intervalMs` of clock time (first at now + intervalMs); returns a canceller. */
  every(intervalMs: number, fn: (now: number) => void): () => void {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new RangeError(
        `RfsTestClock.every: intervalMs must be a finite number > 0, got ${String(intervalMs)}.`,
      );
    }
    const s: Scheduled = { intervalMs, fn, next: this.time + intervalMs };
    this.scheduled.add(s);
    return () => {
      this.scheduled.delete(s);
    };
  }
}

function requireTime(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(
      `${field} must be a finite number, got ${String(value)}.`,
    );
  }
}
