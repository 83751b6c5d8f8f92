import {
  RfsAssertionError,
  deepEqual,
  diff,
  failureMessage,
  show,
} from './rfs-assertion.error';
import { callTimes, type MockedMethod } from './mocked-method';

/** Throws unless `m` was called at least once. */
export function assertMockCalled(m: MockedMethod): void {
  if (m.calls.length === 0) {
    throw new RfsAssertionError(
      `Expected ${m.label} to have been called, but it was never called.`,
      m.calls,
    );
  }
}

/** Throws unless `m` was called exactly once. */
export function assertMockCalledOnce(m: MockedMethod): void {
  if (m.calls.length !== 1) {
    throw new RfsAssertionError(
      failureMessage(
        `Expected ${m.label} to have been called once, but it was called ${callTimes(m.calls.length)}.`,
        [['Calls', listCalls(m.calls)]],
      ),
      m.calls,
      1,
    );
  }
}

/** Throws unless some call of `m` had exactly `args` (strict deep equality). */
export function assertMockCalledWith(
  m: MockedMethod,
  args: readonly unknown[],
): void {
  if (m.calls.some((call) => deepEqual(call, args))) return;
  const last = m.calls[m.calls.length - 1];
  throw new RfsAssertionError(
    failureMessage(
      m.calls.length === 0
        ? `Expected ${m.label} to have been called with ${show(args)}, but it was never called.`
        : `Expected ${m.label} to have been called with ${show(args)}, but no call matched.`,
      [
        ['Calls', listCalls(m.calls)],
        [
          'Difference from the last call (- expected, + actual)',
          last === undefined ? undefined : diff(last, args),
        ],
      ],
    ),
    m.calls,
    args,
  );
}

/** Throws unless `m` was never called. */
export function assertMockNotCalled(m: MockedMethod): void {
  if (m.calls.length > 0) {
    throw new RfsAssertionError(
      failureMessage(
        `Expected ${m.label} not to have been called, but it was called ${callTimes(m.calls.length)}.`,
        [['Calls', listCalls(m.calls)]],
      ),
      m.calls,
      0,
    );
  }
}

function listCalls(calls: readonly unknown[][]): string | undefined {
  if (calls.length === 0) return '(none)';
  return calls.map((args, i) => `${i + 1}. ${show(args)}`).join('\n');
}
