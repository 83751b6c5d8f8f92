// Implementations of the Jest matchers of `nestjs-rfs/testing/jest`. Only types come from Jest's
// `expect` package (erased at build), so this file loads without Jest; `jest.ts` registers them.
import type { ExpectationResult, MatcherContext } from 'expect';
import type { OperationOutcome } from '../result/outcome';
import { isResult, type Result } from '../result/result';
import { summarizeFlux, type FluxLike } from './flux-result.assertions';
import { runMono, type MonoLike } from './mono-result.assertions';
import { errorCodeOf } from './result.assertions';
import { isPlainObject, projectOnto, show } from './rfs-assertion.error';
import { RfsLogCapture, type LogEntryFilter } from './rfs-log.capture';
import {
  describeLines,
  recordedOutcomes,
  type MetricsRegistryHolder,
} from './telemetry.assertions';

type Sync = ExpectationResult & { pass: boolean; message(): string };

function hint(
  ctx: MatcherContext,
  name: string,
  expected = '',
  received = 'received',
): string {
  return ctx.utils.matcherHint(name, received, expected, {
    isNot: ctx.isNot,
    promise: ctx.promise,
  });
}

function describeResult(ctx: MatcherContext, r: unknown): string {
  if (!isResult(r)) {
    return `Received a value that is not a Result: ${ctx.utils.printReceived(r)}`;
  }
  return r.isOk()
    ? `Received Ok with value: ${ctx.utils.printReceived(r.value)}`
    : `Received Err with error: ${ctx.utils.RECEIVED_COLOR(show(r.error))}`;
}

/** An error matches: a string is a code, a plain object a partial (toMatchObject), else equality. */
function errorMatches(
  ctx: MatcherContext,
  error: unknown,
  expected: unknown,
): boolean {
  if (typeof expected === 'string') {
    return typeof error === 'string'
      ? error === expected
      : errorCodeOf(error) === expected;
  }
  if (expected instanceof Error) {
    return (
      error === expected ||
      (error instanceof Error &&
        error.constructor === expected.constructor &&
        error.message === expected.message &&
        errorCodeOf(error) === errorCodeOf(expected))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    return ctx.equals(error, expected, [
      ctx.utils.iterableEquality,
      ctx.utils.subsetEquality,
    ]);
  }
  return ctx.equals(error, expected);
}

function resultIs(
  ctx: MatcherContext,
  name: string,
  received: unknown,
  wantOk: boolean,
): Sync {
  const pass = isResult(received) && received.isOk() === wantOk;
  const what = wantOk ? 'an Ok' : 'an Err';
  return {
    pass,
    message: () =>
      `${hint(ctx, name, '')}\n\nExpected ${ctx.isNot ? 'not ' : ''}${what} result.\n${describeResult(ctx, received)}`,
  };
}

function okWith(
  ctx: MatcherContext,
  name: string,
  received: unknown,
  expected: unknown,
): Sync {
  const isOk = isResult(received) && received.isOk();
  const value = isOk ? (received as { value: unknown }).value : undefined;
  const pass = isOk && ctx.equals(value, expected);
  return {
    pass,
    message: () => {
      const head = `${hint(ctx, name, 'expected')}\n\n`;
      if (!isOk) {
        return `${head}Expected Ok with value: ${ctx.utils.printExpected(expected)}\n${describeResult(ctx, received)}`;
      }
      return ctx.isNot
        ? `${head}Expected the Ok value not to equal: ${ctx.utils.printExpected(expected)}`
        : `${head}${ctx.utils.printDiffOrStringify(expected, value, 'Expected Ok value', 'Received Ok value', ctx.expand !== false)}`;
    },
  };
}

function errWith(
  ctx: MatcherContext,
  name: string,
  received: unknown,
  expected: unknown,
): Sync {
  const isErr = isResult(received) && received.isErr();
  const error = isErr ? (received as { error: unknown }).error : undefined;
  const pass = isErr && errorMatches(ctx, error, expected);
  return {
    pass,
    message: () => {
      const head = `${hint(ctx, name, 'expected')}\n\n`;
      const want =
        typeof expected === 'string' ? 'Err with error code' : 'Err matching';
      if (!isErr) {
        return `${head}Expected ${want}: ${ctx.utils.printExpected(expected)}\n${describeResult(ctx, received)}`;
      }
      if (ctx.isNot) {
        return `${head}Expected the error not to match: ${ctx.utils.printExpected(expected)}\nReceived error: ${ctx.utils.RECEIVED_COLOR(show(error))}`;
      }
      if (typeof expected === 'string') {
        return `${head}Expected ${want}: ${ctx.utils.printExpected(expected)}\nReceived code: ${ctx.utils.printReceived(errorCodeOf(error))}\nReceived error: ${ctx.utils.RECEIVED_COLOR(show(error))}`;
      }
      // Diff only the fields a partial names; an Error is compared by class, message and code.
      const shown = isPlainObject(expected)
        ? projectOnto(error, expected)
        : error;
      return (
        `${head}${ctx.utils.printDiffOrStringify(expected, shown, 'Expected error', 'Received error', ctx.expand !== false)}` +
        `\n\nReceived error: ${ctx.utils.RECEIVED_COLOR(show(error))}`
      );
    },
  };
}

async function settle(
  received: unknown,
): Promise<{ result?: Result<unknown, unknown>; defect?: Error }> {
  try {
    return { result: await runMono(received as MonoLike<unknown, unknown>) };
  } catch (e) {
    return { defect: e as Error };
  }
}

/** The matchers, as `expect.extend` takes them. */
export const rfsMatchers = {
  /** `expect(result).toBeOk()`: the Result is an Ok. */
  toBeOk(this: MatcherContext, received: unknown): Sync {
    return resultIs(this, 'toBeOk', received, true);
  },

  /** `expect(result).toBeOkWith(value)`: an Ok whose value equals `value` (toEqual semantics). */
  toBeOkWith(this: MatcherContext, received: unknown, expected: unknown): Sync {
    return okWith(this, 'toBeOkWith', received, expected);
  },

  /** `expect(result).toBeErr()`: the Result is an Err. */
  toBeErr(this: MatcherContext, received: unknown): Sync {
    return resultIs(this, 'toBeErr', received, false);
  },

  /** `expect(result).toBeErrWith(codeOrPartialOrError)`: an Err whose error matches. */
  toBeErrWith(
    this: MatcherContext,
    received: unknown,
    expected: unknown,
  ): Sync {
    return errWith(this, 'toBeErrWith', received, expected);
  },

  /** `expect(result).toHaveErrorCode('NOT_FOUND')`: an Err whose error has this `code`. */
  toHaveErrorCode(this: MatcherContext, received: unknown, code: string): Sync {
    return errWith(this, 'toHaveErrorCode', received, code);
  },

  /** `await expect(mono).toResolveOk(value?)`: the run yields an Ok (equal to `value`, if given). */
  async toResolveOk(
    this: MatcherContext,
    received: unknown,
    ...expected: [unknown?]
  ): Promise<Sync> {
    const { result, defect } = await settle(received);
    if (defect) return defectResult(this, 'toResolveOk', defect);
    return expected.length === 0
      ? resultIs(this, 'toResolveOk', result, true)
      : okWith(this, 'toResolveOk', result, expected[0]);
  },

  /** `await expect(mono).toResolveErr(codeOrPartial?)`: the run yields an Err (matching, if given). */
  async toResolveErr(
    this: MatcherContext,
    received: unknown,
    ...expected: [unknown?]
  ): Promise<Sync> {
    const { result, defect } = await settle(received);
    if (defect) return defectResult(this, 'toResolveErr', defect);
    return expected.length === 0
      ? resultIs(this, 'toResolveErr', result, false)
      : errWith(this, 'toResolveErr', result, expected[0]);
  },

  /** `await expect(flux).toEmitOks([1, 2])`: the stream's Ok values, in order, equal these. */
  async toEmitOks(
    this: MatcherContext,
    received: unknown,
    values: readonly unknown[],
  ): Promise<Sync> {
    let s;
    try {
      s = await summarizeFlux(received as FluxLike<unknown, unknown>);
    } catch (e) {
      return defectResult(this, 'toEmitOks', e as Error);
    }
    const summary = s;
    const pass = this.equals(summary.values, values);
    return {
      pass,
      message: () =>
        `${hint(this, 'toEmitOks', 'values')}\n\n` +
        (this.isNot
          ? `Expected the Ok values not to equal: ${this.utils.printExpected(values)}`
          : this.utils.printDiffOrStringify(
              values,
              summary.values,
              'Expected Ok values',
              'Received Ok values',
              this.expand !== false,
            )) +
        (summary.err > 0
          ? `\nErrors (${summary.err}): ${this.utils.printReceived(summary.errors)}`
          : ''),
    };
  },

  /** `await expect(flux).toHaveSuccessRate(0.9, 0.05)`: Oks / items within tolerance. */
  async toHaveSuccessRate(
    this: MatcherContext,
    received: unknown,
    rate: number,
    tolerance = 0,
  ): Promise<Sync> {
    let s;
    try {
      s = await summarizeFlux(received as FluxLike<unknown, unknown>);
    } catch (e) {
      return defectResult(this, 'toHaveSuccessRate', e as Error);
    }
    const summary = s;
    const pass = Math.abs(summary.successRate - rate) <= tolerance + 1e-12;
    return {
      pass,
      message: () =>
        `${hint(this, 'toHaveSuccessRate', 'rate')}\n\n` +
        `Expected success rate: ${this.isNot ? 'not ' : ''}${this.utils.printExpected(rate)}${tolerance ? ` ± ${tolerance}` : ''}\n` +
        `Received success rate: ${this.utils.printReceived(summary.successRate)} (${summary.ok} Ok, ${summary.err} Err of ${summary.total})` +
        (summary.err > 0
          ? `\nErrors: ${this.utils.printReceived(summary.errors)}`
          : ''),
    };
  },

  /** `expect(capture).toHaveLogged({ operation, outcome, level }, count?)`. */
  toHaveLogged(
    this: MatcherContext,
    received: unknown,
    filter: LogEntryFilter,
    count?: number,
  ): Sync {
    const capture = captureOf(received);
    if (!capture) {
      throw new TypeError(
        `toHaveLogged: expected an RfsLogCapture (or a test context with \`capture\`), received ${this.utils.printReceived(received)}.`,
      );
    }
    const found = capture.entries(filter).length;
    const pass = count === undefined ? found > 0 : found === count;
    return {
      pass,
      message: () =>
        `${hint(this, 'toHaveLogged', 'filter', 'capture')}\n\n` +
        `Expected ${this.isNot ? 'no ' : ''}${count === undefined ? '' : `${count} `}Result log line(s) matching: ${this.utils.printExpected(filter)}\n` +
        `Matching lines: ${this.utils.printReceived(found)}\n` +
        `Captured lines:\n${describeLines(capture.entries())}`,
    };
  },

  /** `await expect(metrics).toHaveRecordedMetric('Orders.create', 'err', 1)`. */
  async toHaveRecordedMetric(
    this: MatcherContext,
    received: unknown,
    operation: string,
    outcome: OperationOutcome,
    count: number,
  ): Promise<Sync> {
    const metrics = metricsOf(received);
    if (!metrics) {
      throw new TypeError(
        `toHaveRecordedMetric: expected a ResultMetricsCollector (or a test context with \`metrics\`), received ${this.utils.printReceived(received)}.`,
      );
    }
    const all = await recordedOutcomes(metrics, operation);
    const pass = all[outcome] === count;
    return {
      pass,
      message: () =>
        `${hint(this, 'toHaveRecordedMetric', 'operation, outcome, count', 'metrics')}\n\n` +
        `Expected ${this.isNot ? 'not ' : ''}${this.utils.printExpected(count)} '${outcome}' operation(s) recorded for ${operation}\n` +
        `Received: ${this.utils.printReceived(all[outcome])} (${operation}: ok ${all.ok}, err ${all.err}, defect ${all.defect})`,
    };
  },
};

function defectResult(ctx: MatcherContext, name: string, defect: Error): Sync {
  return {
    pass: false,
    message: () => `${hint(ctx, name)}\n\n${defect.message}`,
  };
}

function captureOf(received: unknown): RfsLogCapture | undefined {
  if (received instanceof RfsLogCapture) return received;
  const inner = (received as { capture?: unknown } | null)?.capture;
  return inner instanceof RfsLogCapture ? inner : undefined;
}

function metricsOf(received: unknown): MetricsRegistryHolder | undefined {
  const has = (v: unknown): v is MetricsRegistryHolder =>
    typeof v === 'object' && v !== null && 'registry' in v;
  if (has(received)) return received;
  const inner = (received as { metrics?: unknown } | null)?.metrics;
  return has(inner) ? inner : undefined;
}
