import { deepStrictEqual } from 'node:assert';
import { inspect, isDeepStrictEqual } from 'node:util';

/**
 * Thrown by every assertion of `nestjs-rfs/testing`. Any runner (Jest, Vitest, node:test, Mocha)
 * reports it as a failed test; the message already shows the inner value or error and a diff,
 * so it is deliberately not a Node `AssertionError` (Jest would reformat and repeat it).
 */
export class RfsAssertionError extends Error {
  /** Stable code for programmatic checks. */
  readonly code = 'ERR_RFS_ASSERTION';

  constructor(
    message: string,
    /** What the assertion received (the Result, its value or error, the mock's calls). */
    readonly actual?: unknown,
    /** What it expected, when it compared against something. */
    readonly expected?: unknown,
  ) {
    super(message);
    this.name = 'RfsAssertionError';
  }
}

/**
 * `util.inspect` with settings that show nested values fully but stay readable. An `Error` is
 * shown as its class, message and own fields (code, status, details), without the stack.
 */
export function show(value: unknown): string {
  if (value instanceof Error) {
    const fields: Record<string, unknown> = { message: value.message };
    for (const key of Object.keys(value)) {
      fields[key] = (value as unknown as Record<string, unknown>)[key];
    }
    return `${value.name} ${inspectValue(fields)}`;
  }
  return inspectValue(value);
}

/** A defect (an exception) with its stack: where the bug is matters more than brevity. */
export function showDefect(value: unknown): string {
  return inspectValue(value);
}

function inspectValue(value: unknown): string {
  return inspect(value, {
    depth: 6,
    breakLength: 80,
    maxArrayLength: 20,
    maxStringLength: 500,
    sorted: false,
  });
}

/**
 * A `- expected / + actual` diff from Node's own assert machinery, or `undefined` when the two
 * values are deeply and strictly equal.
 */
export function diff(actual: unknown, expected: unknown): string | undefined {
  try {
    deepStrictEqual(actual, expected);
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    // Drop Node's "Expected values to be strictly deep-equal:" heading: we write our own.
    const body = message.split('\n').slice(1).join('\n').trim();
    return body.length > 0 ? body : message;
  }
}

/** Strict deep equality (prototypes, `-0`, own enumerable keys), as `assert.deepStrictEqual`. */
export function deepEqual(actual: unknown, expected: unknown): boolean {
  return isDeepStrictEqual(actual, expected);
}

/** Builds a failure message: a headline, then labelled blocks (skipping empty ones). */
export function failureMessage(
  headline: string,
  blocks: ReadonlyArray<readonly [label: string, text: string | undefined]>,
): string {
  const parts = [headline];
  for (const [label, text] of blocks) {
    if (text === undefined) continue;
    parts.push(`${label}:\n${indent(text)}`);
  }
  return parts.join('\n\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** True for `{}` literals and `Object.create(null)` objects. */
export function isPlainObject(
  value: unknown,
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * True when `actual` matches `expected` where every plain object in `expected` is a partial:
 * only its keys are compared (recursively); everything else is compared strictly.
 */
export function matchesPartial(actual: unknown, expected: unknown): boolean {
  if (isPlainObject(expected)) {
    if (typeof actual !== 'object' || actual === null) return false;
    const a = actual as Record<string, unknown>;
    return Object.keys(expected).every((key) =>
      matchesPartial(a[key], expected[key]),
    );
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matchesPartial(actual[i], item))
    );
  }
  return isDeepStrictEqual(actual, expected);
}

/**
 * The part of `actual` that a partial `expected` looks at (same keys), so a diff between the two
 * shows only what differs instead of every field the partial left out.
 */
export function projectOnto(actual: unknown, expected: unknown): unknown {
  if (isPlainObject(expected) && typeof actual === 'object' && actual) {
    const a = actual as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      out[key] = projectOnto(a[key], expected[key]);
    }
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((item: unknown, i) =>
      i < expected.length ? projectOnto(item, expected[i]) : item,
    );
  }
  return actual;
}
