// Options of compare()/benchSuite() and their checks (no tinybench import: unit-testable).

/** A benchmarked call: sync, or async (returns a promise, awaited per call). */
export type BenchFn = () => unknown;

/** Options shared by {@link compare} and {@link benchSuite}. */
export interface BenchOptions {
  /** File stem of the results: bench/results/<name>.json and .md. Kebab-case. */
  name: string;
  /** Heading of the markdown report (defaults to `name`). */
  title?: string;
  /** A paragraph under the heading: what is measured and why. */
  description?: string;
  /** The case every ratio is relative to (must be a case of every comparison). */
  anchor: string;
  /** Case name → highest acceptable ratio vs the anchor, e.g. `{ 'nestjs-rfs': 1 }`. */
  goals?: Record<string, number>;
  /** Interleaved rounds (default 10; BENCH_QUICK=1 → 2). */
  rounds?: number;
  /** Time budget per case per round in ms (default 100; BENCH_QUICK=1 → 20). */
  timeMs?: number;
  /** Output folder (default bench/results). */
  outDir?: string;
  /** Print the markdown tables to stdout (default true). */
  print?: boolean;
}

/** {@link benchSuite} options: several named comparisons in one results file. */
export interface SuiteOptions extends BenchOptions {
  /** Comparison name → (case name → function). */
  comparisons: Record<string, Record<string, BenchFn>>;
}

/** {@link compare} options: one comparison. */
export interface CompareOptions extends BenchOptions {
  /** Case name → function. */
  cases: Record<string, BenchFn>;
}

/** Throws a TypeError naming the option when the suite cannot run. */
export function validate(
  options: SuiteOptions,
  rounds: number,
  timeMs: number,
): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(options.name)) {
    throw new TypeError(
      `bench: name "${options.name}" must be kebab-case (a-z, 0-9, -): it names the results files`,
    );
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new TypeError(`bench: rounds must be an integer ≥ 1, got ${rounds}`);
  }
  if (!(timeMs > 0)) {
    throw new TypeError(`bench: timeMs must be > 0, got ${timeMs}`);
  }
  const comparisons = Object.entries(options.comparisons);
  if (comparisons.length === 0) {
    throw new TypeError('bench: give at least one comparison (or cases)');
  }
  for (const [name, cases] of comparisons) {
    if (!(options.anchor in cases)) {
      throw new TypeError(
        `bench: comparison "${name}" has no case named after the anchor "${options.anchor}"; its cases are: ${Object.keys(cases).join(', ')}`,
      );
    }
  }
}
