/**
 * Reading values a handler threw or put in an Err. Anything may arrive here (null, a string, a
 * BigInt, a cyclic object, a Proxy, an Error subclass whose getters throw): these helpers never
 * throw and never recurse without bound, so the problem response is always written.
 */

/** `obj[key]`, or `undefined` when reading it throws (getter, Proxy trap) or `obj` is not an object. */
export function safeGet(obj: unknown, key: PropertyKey): unknown {
  if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null) {
    return undefined;
  }
  try {
    return (obj as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** `value instanceof ctor`, false when the check throws (a Proxy's `getPrototypeOf` trap). */
export function safeInstanceOf(
  value: unknown,
  ctor: abstract new (...args: never[]) => unknown,
): boolean {
  try {
    return value instanceof ctor;
  } catch {
    return false;
  }
}

/** A string field of `obj`, cut to `max` characters; `undefined` when absent or not a string. */
export function safeString(
  obj: unknown,
  key: PropertyKey,
  max = 2000,
): string | undefined {
  const v = safeGet(obj, key);
  if (typeof v !== 'string') return undefined;
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

/** Name, message and stack of a thrown value, for a log line. Never throws. */
export interface ThrownDescription {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Describes any thrown value (Error or not) without invoking anything that may throw twice. */
export function describeThrown(value: unknown): ThrownDescription {
  switch (typeof value) {
    case 'string':
      return {
        name: 'string',
        message: value.length > 2000 ? `${value.slice(0, 2000)}…` : value,
      };
    case 'number':
    case 'boolean':
    case 'bigint':
      return { name: typeof value, message: String(value) };
    case 'undefined':
      return { name: 'undefined', message: 'undefined was thrown' };
    case 'symbol':
      return { name: 'symbol', message: 'a symbol was thrown' };
    case 'function':
      return { name: 'function', message: 'a function was thrown' };
  }
  if (value === null) return { name: 'null', message: 'null was thrown' };
  const name =
    safeString(value, 'name', 200) ?? constructorName(value) ?? 'object';
  const message = safeString(value, 'message') ?? `${name} was thrown`;
  const stack = safeString(value, 'stack', 20000);
  return stack === undefined ? { name, message } : { name, message, stack };
}

/** The name of `value`'s class, or `undefined` (never throws). */
export function constructorName(value: unknown): string | undefined {
  const ctor = safeGet(value, 'constructor');
  if (typeof ctor !== 'function') return undefined;
  const name = safeGet(ctor, 'name');
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

const MAX_DEPTH = 6;
const MAX_KEYS = 200;

/**
 * A JSON-serialisable copy of `value`: cycles become `'[Circular]'`, BigInts strings, functions
 * and symbols are dropped, Errors become `{ name, message }`, throwing getters are skipped, and
 * depth and width are bounded. Used for the `details` of problem bodies, which come from users'
 * errors and must never make the response writer throw.
 */
export function toJsonSafe(value: unknown): unknown {
  return copy(value, 0, new WeakSet());
}

function copy(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Object]';
  seen.add(obj);
  try {
    if (safeInstanceOf(obj, Error)) {
      const d = describeThrown(obj);
      return { name: d.name, message: d.message };
    }
    if (safeInstanceOf(obj, Date)) {
      const t = (obj as Date).getTime();
      return Number.isNaN(t) ? null : (obj as Date).toISOString();
    }
    if (Array.isArray(obj)) {
      const n = Math.min(obj.length, MAX_KEYS);
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = copy(safeGet(obj, i), depth + 1, seen);
        out[i] = v === undefined ? null : v;
      }
      return out;
    }
    let keys: string[];
    try {
      keys = Object.keys(obj);
    } catch {
      return {};
    }
    const out: Record<string, unknown> = {};
    const n = Math.min(keys.length, MAX_KEYS);
    for (let i = 0; i < n; i++) {
      const v = copy(safeGet(obj, keys[i]), depth + 1, seen);
      if (v !== undefined) out[keys[i]] = v;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}
