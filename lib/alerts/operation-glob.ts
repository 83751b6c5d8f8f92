/**
 * Matching of a rule's `operation` against operation names: `'*'` matches every operation,
 * a pattern with `*` is a glob where `*` matches any run of characters (including dots), and
 * anything else matches one operation exactly.
 */
export class OperationGlob {
  private readonly regex: RegExp | undefined;

  constructor(readonly pattern: string) {
    this.regex =
      pattern === '*' || !pattern.includes('*')
        ? undefined
        : new RegExp(`^${globToRegexSource(pattern)}$`);
  }

  /** Whether the pattern matches every operation (`'*'`). */
  get matchesAll(): boolean {
    return this.pattern === '*';
  }

  /** Whether the pattern is one exact operation name. */
  get isExact(): boolean {
    return !this.pattern.includes('*');
  }

  /** Whether `operation` matches the pattern. */
  matches(operation: string): boolean {
    if (this.pattern === '*') return true;
    return this.regex ? this.regex.test(operation) : operation === this.pattern;
  }

  /**
   * The pattern as an RE2 regular expression (PromQL `=~` matchers are anchored), e.g.
   * `'orders.*'` → `'orders\\..*'`.
   */
  toPromRegex(): string {
    return globToRegexSource(this.pattern);
  }
}

function globToRegexSource(glob: string): string {
  return glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
}
