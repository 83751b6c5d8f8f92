/**
 * Collects option problems so that startup fails once, listing every bad field with the path
 * and what is accepted (e.g. `metrics.maxOperations must be a positive integer, got -1`).
 */
export class RfsOptionsError extends Error {
  /** One sentence per problem. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `Invalid RfsModule options:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'See the "Options" table in the nestjs-rfs README for accepted values.',
    );
    this.name = 'RfsOptionsError';
    this.problems = problems;
  }
}

/** Describes a value for an error message without echoing huge or hostile input. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40
        ? `a string of ${value.length} characters`
        : JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

/** Small typed checks used by every options section. Each pushes a sentence on failure. */
export class OptionsChecker {
  readonly problems: string[] = [];

  /** Records a problem for `path`. */
  fail(path: string, accepted: string, value: unknown): void {
    this.problems.push(
      `${path} must be ${accepted}, got ${describeValue(value)}`,
    );
  }

  /** `value` is a plain object (or undefined when optional). Returns whether it is an object. */
  object(path: string, value: unknown): value is Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return true;
    this.fail(path, 'an object', value);
    return false;
  }

  boolean(path: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'boolean')
      this.fail(path, 'true or false', value);
  }

  string(path: string, value: unknown, nonEmpty = true): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
      this.fail(path, nonEmpty ? 'a non-empty string' : 'a string', value);
    }
  }

  oneOf(path: string, value: unknown, accepted: readonly string[]): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !accepted.includes(value)) {
      this.fail(
        path,
        `one of ${accepted.map((a) => `'${a}'`).join(', ')}`,
        value,
      );
    }
  }

  number(
    path: string,
    value: unknown,
    opts: { min?: number; max?: number; integer?: boolean } = {},
  ): void {
    if (value === undefined) return;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (opts.integer !== true || Number.isInteger(value)) &&
      (opts.min === undefined || value >= opts.min) &&
      (opts.max === undefined || value <= opts.max);
    if (!ok) {
      const kind = opts.integer ? 'an integer' : 'a number';
      const range =
        opts.min !== undefined && opts.max !== undefined
          ? ` between ${opts.min} and ${opts.max}`
          : opts.min !== undefined
            ? ` ≥ ${opts.min}`
            : opts.max !== undefined
              ? ` ≤ ${opts.max}`
              : '';
      this.fail(path, `${kind}${range}`, value);
    }
  }

  stringArray(path: string, value: unknown): void {
    if (value === undefined) return;
    if (
      !Array.isArray(value) ||
      value.some((v) => typeof v !== 'string' || v.length === 0)
    ) {
      this.fail(path, 'an array of non-empty strings', value);
    }
  }

  func(path: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'function')
      this.fail(path, 'a function', value);
  }

  /** Rejects keys not in `known` (catches typos such as `metric` for `metrics`). */
  knownKeys(
    path: string,
    value: Record<string, unknown>,
    known: readonly string[],
  ): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        // Callers may list optional (initializer-less) fields twice; name each once.
        const accepted = [...new Set(known)].join(', ');
        this.problems.push(
          `${path ? `${path}.` : ''}${key} is not a known option; accepted: ${accepted}`,
        );
      }
    }
  }
}
