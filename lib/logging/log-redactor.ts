/** Limits that keep one log line small and its construction bounded. */
export interface LogRedactorLimits {
  /** Nesting depth kept; deeper values become `'[Depth]'`. */
  readonly maxDepth: number;
  /** Characters kept of a string; longer ones are cut with a marker. */
  readonly maxStringLength: number;
  /** Keys kept per object and items per array. */
  readonly maxEntries: number;
  /** Values visited in total for one call; the rest become `'[Truncated]'`. */
  readonly maxNodes: number;
}

const DEFAULT_LIMITS: LogRedactorLimits = {
  maxDepth: 6,
  maxStringLength: 2048,
  maxEntries: 50,
  maxNodes: 1000,
};

/** Replacement written for a redacted value. */
export const REDACTED = '[Redacted]';

/**
 * Turns any value into a bounded, JSON-safe copy with the configured key names replaced by
 * `'[Redacted]'` at any depth (case-insensitive). It never throws: cycles, throwing getters,
 * throwing `toJSON`, hostile proxies, BigInts and huge strings all become markers.
 *
 * @example
 * ```ts
 * new LogRedactor(['password']).redact({ user: { password: 'x' } });
 * // { user: { password: '[Redacted]' } }
 * ```
 */
export class LogRedactor {
  private readonly keys: ReadonlySet<string>;
  private readonly limits: LogRedactorLimits;

  constructor(
    keys: readonly string[],
    limits: Partial<LogRedactorLimits> = {},
  ) {
    this.keys = new Set(keys.map((k) => k.toLowerCase()));
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** True when `key` is one of the redacted names. */
  isRedactedKey(key: string): boolean {
    return typeof key === 'string' && this.keys.has(key.toLowerCase());
  }

  /** A redacted, bounded, JSON-safe copy of `value`. Never throws. */
  redact(value: unknown): unknown {
    try {
      return this.visit(value, 0, new WeakSet<object>(), { nodes: 0 });
    } catch {
      return '[Unserializable]';
    }
  }

  /** A bounded copy of a string (used for messages). */
  truncate(text: string): string {
    const max = this.limits.maxStringLength;
    return text.length <= max
      ? text
      : `${text.slice(0, max)}…[${text.length - max} more chars]`;
  }

  private visit(
    value: unknown,
    depth: number,
    seen: WeakSet<object>,
    budget: { nodes: number },
  ): unknown {
    if (++budget.nodes > this.limits.maxNodes) return '[Truncated]';
    switch (typeof value) {
      case 'string':
        return this.truncate(value);
      case 'number':
        return Number.isFinite(value) ? value : String(value);
      case 'boolean':
      case 'undefined':
        return value;
      case 'bigint':
        return value.toString();
      case 'symbol':
        return value.toString();
      case 'function':
        return `[Function ${value.name || 'anonymous'}]`;
    }
    if (value === null) return null;
    const obj = value as object;
    if (seen.has(obj)) return '[Circular]';
    if (depth >= this.limits.maxDepth) return '[Depth]';
    seen.add(obj);
    try {
      return this.visitObject(obj, depth, seen, budget);
    } finally {
      seen.delete(obj);
    }
  }

  private visitObject(
    obj: object,
    depth: number,
    seen: WeakSet<object>,
    budget: { nodes: number },
  ): unknown {
    if (obj instanceof Error) return this.visitError(obj, depth, seen, budget);
    if (obj instanceof Date) {
      return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
    }
    if (Buffer.isBuffer(obj)) return `[Buffer ${obj.length} bytes]`;
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name}]`;
    if (Array.isArray(obj)) {
      const max = Math.min(obj.length, this.limits.maxEntries);
      const out: unknown[] = new Array(max);
      for (let i = 0; i < max; i++)
        out[i] = this.safeVisit(() => obj[i], depth, seen, budget);
      if (obj.length > max) out.push(`[${obj.length - max} more items]`);
      return out;
    }
    if (obj instanceof Map) {
      return this.visitEntries(obj.entries(), obj.size, depth, seen, budget);
    }
    if (obj instanceof Set) {
      return this.visit([...obj], depth, seen, budget);
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      let json: unknown;
      try {
        json = (toJSON as () => unknown).call(obj);
      } catch {
        return '[toJSON threw]';
      }
      if (json !== obj) return this.visit(json, depth, seen, budget);
    }
    return this.visitEntries(keysOf(obj), undefined, depth, seen, budget, obj);
  }

  private visitEntries(
    entries: Iterable<[unknown, unknown]> | string[],
    size: number | undefined,
    depth: number,
    seen: WeakSet<object>,
    budget: { nodes: number },
    source?: object,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let count = 0;
    let total = size ?? 0;
    for (const entry of entries) {
      if (size === undefined) total++;
      if (count >= this.limits.maxEntries) continue;
      count++;
      const [key, read] =
        typeof entry === 'string'
          ? [entry, () => (source as Record<string, unknown>)[entry]]
          : [String(entry[0]), () => entry[1]];
      out[key] = this.isRedactedKey(key)
        ? REDACTED
        : this.safeVisit(read, depth, seen, budget);
    }
    if (total > count) out['…'] = `[${total - count} more keys]`;
    return out;
  }

  private visitError(
    error: Error,
    depth: number,
    seen: WeakSet<object>,
    budget: { nodes: number },
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {
      type: safeRead(() => error.name) ?? 'Error',
      message: this.truncate(String(safeRead(() => error.message) ?? '')),
    };
    for (const key of keysOf(error)) {
      if (key === 'name' || key === 'message' || key === 'stack') continue;
      out[key] = this.isRedactedKey(key)
        ? REDACTED
        : this.safeVisit(
            () => (error as unknown as Record<string, unknown>)[key],
            depth,
            seen,
            budget,
          );
    }
    return out;
  }

  private safeVisit(
    read: () => unknown,
    depth: number,
    seen: WeakSet<object>,
    budget: { nodes: number },
  ): unknown {
    let v: unknown;
    try {
      v = read();
    } catch {
      return '[Getter threw]';
    }
    return this.visit(v, depth + 1, seen, budget);
  }
}

function keysOf(obj: object): string[] {
  try {
    return Object.keys(obj);
  } catch {
    return [];
  }
}

function safeRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
