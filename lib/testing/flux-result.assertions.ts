import type { Result } from '../result/result';
import { FluxResult, type FluxSource } from '../result/flux-result';
import {
  RfsAssertionError,
  deepEqual,
  diff,
  failureMessage,
  showDefect,
  show,
} from './rfs-assertion.error';

/** What the flux assertions read: a `FluxResult`, or Results as an iterable or Observable. */
export type FluxLike<T, E> = FluxResult<T, E> | FluxSource<Result<T, E>>;

/** Everything a stream emitted, counted (see {@link summarizeFlux}). */
export interface FluxSummary<T, E> {
  /** Every item, in stream order. */
  items: Result<T, E>[];
  /** The Ok values, in order. */
  values: T[];
  /** The errors, in order. */
  errors: E[];
  total: number;
  ok: number;
  err: number;
  /** ok / total; 1 for an empty stream (as `FluxResult.stats()`). */
  successRate: number;
}

/**
 * Runs the stream once and counts what it emitted. Each flux assertion runs the (cold) stream
 * again; summarize once when a stream is expensive or not repeatable.
 */
export async function summarizeFlux<T, E>(
  flux: FluxLike<T, E>,
  assertion = 'summarizeFlux',
): Promise<FluxSummary<T, E>> {
  let items: Result<T, E>[];
  try {
    const f = flux instanceof FluxResult ? flux : FluxResult.fromResults(flux);
    items = (await f.toArray().run()).unwrapOr([]);
  } catch (defect) {
    throw new RfsAssertionError(
      failureMessage(
        `${assertion}: expected the FluxResult to complete, but it failed (a defect).`,
        [['Error', showDefect(defect)]],
      ),
      defect,
    );
  }
  const values: T[] = [];
  const errors: E[] = [];
  for (const r of items) {
    if (r.isOk()) values.push(r.value);
    else errors.push(r.error);
  }
  const total = items.length;
  return {
    items,
    values,
    errors,
    total,
    ok: values.length,
    err: errors.length,
    successRate: total === 0 ? 1 : values.length / total,
  };
}

/** Asserts the stream emits exactly `expected` Ok items; returns the summary. */
export async function assertFluxSuccessCount<T, E>(
  flux: FluxLike<T, E>,
  expected: number,
): Promise<FluxSummary<T, E>> {
  const s = await summarizeFlux(flux, 'assertFluxSuccessCount');
  if (s.ok !== expected) fail(s, `Expected ${expected} Ok item(s)`);
  return s;
}

/** Asserts the stream emits exactly `expected` Err items; returns the summary. */
export async function assertFluxFailureCount<T, E>(
  flux: FluxLike<T, E>,
  expected: number,
): Promise<FluxSummary<T, E>> {
  const s = await summarizeFlux(flux, 'assertFluxFailureCount');
  if (s.err !== expected) fail(s, `Expected ${expected} Err item(s)`);
  return s;
}

/** Asserts the stream emits exactly `expected` items; returns the summary. */
export async function assertFluxTotalCount<T, E>(
  flux: FluxLike<T, E>,
  expected: number,
): Promise<FluxSummary<T, E>> {
  const s = await summarizeFlux(flux, 'assertFluxTotalCount');
  if (s.total !== expected) fail(s, `Expected ${expected} item(s)`);
  return s;
}

/**
 * Asserts the stream's success rate (Oks / items; 1 when empty) is `rate` ± `tolerance`
 * (absolute, default 0); returns the summary.
 *
 * @example
 * ```ts
 * await assertFluxSuccessRate(service.importAll(rows), 0.9, 0.05);
 * ```
 */
export async function assertFluxSuccessRate<T, E>(
  flux: FluxLike<T, E>,
  rate: number,
  tolerance = 0,
): Promise<FluxSummary<T, E>> {
  if (!(rate >= 0 && rate <= 1) || !(tolerance >= 0)) {
    throw new RangeError(
      `assertFluxSuccessRate: rate must be a number between 0 and 1 and tolerance >= 0, got ${String(rate)} and ${String(tolerance)}.`,
    );
  }
  const s = await summarizeFlux(flux, 'assertFluxSuccessRate');
  if (Math.abs(s.successRate - rate) > tolerance + 1e-12) {
    fail(
      s,
      `Expected a success rate of ${rate}${tolerance ? ` ± ${tolerance}` : ''}, but it is ${round(s.successRate)}`,
      true,
    );
  }
  return s;
}

/** Asserts the stream's Ok values, in order, deeply equal `expected` (diff on failure). */
export async function assertFluxSuccessValues<T, E>(
  flux: FluxLike<T, E>,
  expected: readonly T[],
): Promise<FluxSummary<T, E>> {
  const s = await summarizeFlux(flux, 'assertFluxSuccessValues');
  if (!deepEqual(s.values, expected)) {
    throw new RfsAssertionError(
      failureMessage('Expected the Ok values of the stream to equal:', [
        ['Expected', show(expected)],
        ['Ok values', show(s.values)],
        ['Difference (- expected, + actual)', diff(s.values, expected)],
        ['Errors', s.err > 0 ? show(s.errors) : undefined],
      ]),
      s.values,
      expected,
    );
  }
  return s;
}

/** Asserts every item of the stream is an Ok (an empty stream passes); returns the summary. */
export async function assertFluxAllSuccess<T, E>(
  flux: FluxLike<T, E>,
): Promise<FluxSummary<T, E>> {
  const s = await summarizeFlux(flux, 'assertFluxAllSuccess');
  if (s.err > 0) fail(s, 'Expected every item to be Ok');
  return s;
}

/** Asserts at least one item of the stream is an Err; returns the summary. */
export async function assertFluxAnyFailure<T, E>(
  flux: FluxLike<T, E>,
): Promise<FluxSummary<T, E>> {
  const s = await summarizeFlux(flux, 'assertFluxAnyFailure');
  if (s.err === 0) fail(s, 'Expected at least one Err item');
  return s;
}

function fail<T, E>(
  s: FluxSummary<T, E>,
  expectation: string,
  rateGiven = false,
): never {
  const counts = `${s.ok} Ok and ${s.err} Err of ${s.total} item(s)`;
  throw new RfsAssertionError(
    failureMessage(
      rateGiven
        ? `${expectation} (${counts}).`
        : `${expectation}, but the stream emitted ${counts}.`,
      [
        ['Errors', s.err > 0 ? show(s.errors) : undefined],
        ['Ok values', s.ok > 0 ? show(s.values) : undefined],
      ],
    ),
    s,
  );
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
