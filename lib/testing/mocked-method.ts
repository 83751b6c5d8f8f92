import type { AnyFunction, MockReturnKind } from './mock.types';
import { detectReturnKind } from './mock-return-kind';
import { show } from './rfs-assertion.error';
import { RfsMockError } from './rfs-mock.error';

/** What a stub does on a call: produces the method's return value. */
export type MockReply = (self: unknown, args: unknown[]) => unknown;

/** One mocked method: its behaviour (sequence, then fallback) and its recorded calls. */
export interface MockedMethod {
  readonly name: string;
  /** `Service.method`, for messages. */
  readonly label: string;
  /** The real implementation, captured once from the prototype (never the stub). */
  readonly original: AnyFunction;
  kind: MockReturnKind;
  sequence: MockReply[] | undefined;
  position: number;
  fallback: MockReply | undefined;
  readonly calls: unknown[][];
}

/** Nest lifecycle hooks: hidden on the mock so Nest never runs the real ones on it. */
export const MOCK_HIDDEN_LIFECYCLE_HOOKS: readonly string[] = [
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
];

/**
 * The methods of `proto` and its ancestors (nearest wins), in declaration order, without the
 * constructor, getters and the Nest lifecycle hooks.
 */
export function collectMockedMethods(
  serviceName: string,
  proto: object,
): Map<string, MockedMethod> {
  const out = new Map<string, MockedMethod>();
  for (
    let p: object | null = proto;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === 'constructor' || out.has(name)) continue;
      if (MOCK_HIDDEN_LIFECYCLE_HOOKS.includes(name)) continue;
      const d = Object.getOwnPropertyDescriptor(p, name);
      // Getters are left alone: reading one must not run code.
      if (d && typeof d.value === 'function') {
        const original = d.value as AnyFunction;
        out.set(name, {
          name,
          label: `${serviceName}.${name}`,
          original,
          kind: detectReturnKind(proto, name, original),
          sequence: undefined,
          position: 0,
          fallback: undefined,
          calls: [],
        });
      }
    }
  }
  return out;
}

/** The stub installed on the mock: records the call, then replies. */
export function mockedMethodStub(
  m: MockedMethod,
): (...args: unknown[]) => unknown {
  // A plain function (not an arrow) so `this` is whatever the caller bound, like the original.
  const stub = function (this: unknown, ...args: unknown[]): unknown {
    m.calls.push(args);
    return replyOf(m, this, args);
  };
  Object.defineProperty(stub, 'name', { value: m.name });
  return stub;
}

/** Forgets calls and restarts the sequence; with `behaviour`, forgets what was configured too. */
export function resetMockedMethod(m: MockedMethod, behaviour: boolean): void {
  m.calls.length = 0;
  m.position = 0;
  if (behaviour) {
    m.sequence = undefined;
    m.fallback = undefined;
  }
}

/** Throws naming `where` unless `value` is a Result. */
export function checkMockResult(value: unknown, where: string): void {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { isOk?: unknown }).isOk !== 'function'
  ) {
    throw new RfsMockError(
      `ResultServiceMocker.${where}: expected Results (ok(...) / err(...)), but received ${show(value)}.`,
    );
  }
}

/** `1 time`, `n times`. */
export function callTimes(n: number): string {
  return n === 1 ? '1 time' : `${n} times`;
}

function replyOf(m: MockedMethod, self: unknown, args: unknown[]): unknown {
  if (m.sequence !== undefined && m.position < m.sequence.length) {
    return m.sequence[m.position++](self, args);
  }
  if (m.fallback !== undefined) return m.fallback(self, args);
  if (m.sequence !== undefined) {
    throw new RfsMockError(
      `ResultServiceMocker: ${m.label} was called ${callTimes(m.calls.length)}, but returnsSequence('${m.name}', …) holds ${m.sequence.length} result(s) and no otherwise(result) follows it.`,
    );
  }
  throw new RfsMockError(
    `ResultServiceMocker: ${m.label} was called, but no behaviour is configured for it. ` +
      `Configure it with returnsOk('${m.name}', value), returnsErr, returnsSequence, returnsMonoOk, returnsFlux, throws or callsThrough.`,
  );
}
