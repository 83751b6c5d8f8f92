/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence on every machine and
 * Node version, which `Math.random` cannot. Not for cryptography.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number | string) {
    this.state = seedToState(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

function seedToState(seed: number | string): number {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) {
      throw new RangeError(
        `seed must be a finite number or a string, got ${String(seed)}.`,
      );
    }
    return Math.trunc(seed) | 0;
  }
  if (typeof seed !== 'string') {
    throw new TypeError(
      `seed must be a finite number or a string, got ${typeof seed}.`,
    );
  }
  // FNV-1a: spreads similar strings ('a', 'b') to unrelated states.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
