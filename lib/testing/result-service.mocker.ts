import { err, ok, type Result } from '../result/result';
import { MonoResult } from '../result/mono-result';
import {
  RfsAssertionError,
  deepEqual,
  diff,
  failureMessage,
  show,
} from './rfs-assertion.error';
import type {
  AnyFunction,
  FluxMethodKey,
  MethodArgs,
  MethodErr,
  MethodKey,
  MethodOk,
  MethodResult,
  MethodReturn,
  MockReturnKind,
  MonoMethodKey,
  ResultMethodKey,
  ServiceClass,
} from './mock.types';
import { detectReturnKind, toFlux, wrapResult } from './mock-return-kind';
import { delayedMono } from './delayed-mono';

/** A mis-configured or mis-used mock (unknown method, exhausted sequence, no behaviour). */
export class RfsMockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RfsMockError';
  }
}

/** Options of `returnsMonoOk` / `returnsMonoErr`. */
export interface MockMonoOptions {
  /** Resolve after this many ms (a `setTimeout`, so Jest fake timers drive it). Default 0: at once. */
  delayMs?: number;
}

/** What a stub does on a call: produces the method's return value. */
type Reply = (self: unknown, args: unknown[]) => unknown;

interface MethodState {
  readonly name: string;
  /** The real implementation, captured once from the prototype (never the stub). */
  readonly original: AnyFunction;
  kind: MockReturnKind;
  sequence: Reply[] | undefined;
  position: number;
  fallback: Reply | undefined;
  readonly calls: unknown[][];
}

/** Nest lifecycle hooks: hidden on the mock so Nest never runs the real ones on it. */
const LIFECYCLE_HOOKS = [
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
];

const mockers = new WeakMap<object, ResultServiceMocker<object>>();

/**
 * A typed, fluent mock of a service whose methods return `Result`, `Promise<Result>`,
 * `MonoResult` or `FluxResult`. Method names are checked against `T`, configured values against
 * the method's return type. Stubs never run real code (unless `callsThrough`), so methods that
 * call each other cannot recurse.
 *
 * Return shape per method: `MonoResult`/`FluxResult` for methods configured with
 * `returnsMono*`/`returnsFlux`; a resolved promise for `async` methods (or methods whose
 * decorator metadata says `Promise`); the Result itself otherwise. Force it with
 * {@link ResultServiceMocker.treatAs}. Nest lifecycle hooks (`onModuleInit`, …) are hidden on the
 * mock, so Nest never runs the real ones on it.
 *
 * @example
 * ```ts
 * const orders = new ResultServiceMocker(OrdersService)
 *   .returnsOk('find', order)
 *   .returnsSequence('reserve', [err(RfsError.conflict('stock', 'busy'))])
 *   .otherwise(ok(reservation));
 * const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
 *   .overrideProvider(OrdersService).useValue(orders.instance).compile();
 * // …
 * orders.assertCalledWith('find', '42');
 * ```
 */
export class ResultServiceMocker<T extends object, S extends string = never> {
  /** The mock: pass it to `overrideProvider(ServiceClass).useValue(...)`. */
  readonly instance: T;
  /** The mocked class (the token to override). */
  readonly token: ServiceClass<T>;
  private readonly methods = new Map<string, MethodState>();
  private lastSequence: string | undefined;

  constructor(serviceClass: ServiceClass<T>) {
    if (typeof serviceClass !== 'function' || !serviceClass.prototype) {
      throw new RfsMockError(
        `ResultServiceMocker: expected a class, but received ${show(serviceClass)}.`,
      );
    }
    this.token = serviceClass;
    const proto = serviceClass.prototype as object;
    const instance = Object.create(proto) as Record<string, unknown>;
    for (const [name, original] of collectMethods(proto)) {
      const state: MethodState = {
        name,
        original,
        kind: detectReturnKind(proto, name, original),
        sequence: undefined,
        position: 0,
        fallback: undefined,
        calls: [],
      };
      this.methods.set(name, state);
      instance[name] = this.stubFor(state);
    }
    for (const hook of LIFECYCLE_HOOKS) instance[hook] = undefined;
    this.instance = instance as T;
    mockers.set(this.instance, this as unknown as ResultServiceMocker<object>);
  }

  /** The mocker behind a mock made by {@link mockResultService}. */
  static of<T extends object>(mock: T): ResultServiceMocker<T> {
    const mocker = mockers.get(mock);
    if (!mocker) {
      throw new RfsMockError(
        'ResultServiceMocker.of: the object is not a mock made by mockResultService() or new ResultServiceMocker().',
      );
    }
    return mocker as unknown as ResultServiceMocker<T>;
  }

  /** Method names of the mocked class, in declaration order. */
  methodNames(): string[] {
    return [...this.methods.keys()];
  }

  /** Forces how the method's stub returns Results (see the class doc). */
  treatAs<K extends MethodKey<T>>(method: K, kind: MockReturnKind): this {
    this.state(method).kind = kind;
    return this;
  }

  /** Every call returns `Ok(value)` (shaped as the method returns: Result, Promise or Mono). */
  returnsOk<K extends ResultMethodKey<T>>(
    method: K,
    value: MethodOk<T, K>,
  ): ResultServiceMocker<T> {
    return this.always(method, ok(value));
  }

  /** Every call returns `Err(error)`. */
  returnsErr<K extends ResultMethodKey<T>>(
    method: K,
    error: MethodErr<T, K>,
  ): ResultServiceMocker<T> {
    return this.always(method, err(error));
  }

  /** Every call returns a fresh `MonoResult` of `Ok(value)`, optionally after `delayMs`. */
  returnsMonoOk<K extends MonoMethodKey<T>>(
    method: K,
    value: MethodOk<T, K>,
    options: MockMonoOptions = {},
  ): ResultServiceMocker<T> {
    return this.mono(method, ok(value), options);
  }

  /** Every call returns a fresh `MonoResult` of `Err(error)`, optionally after `delayMs`. */
  returnsMonoErr<K extends MonoMethodKey<T>>(
    method: K,
    error: MethodErr<T, K>,
    options: MockMonoOptions = {},
  ): ResultServiceMocker<T> {
    return this.mono(method, err(error), options);
  }

  /** Every call returns a `FluxResult` of these items. */
  returnsFlux<K extends FluxMethodKey<T>>(
    method: K,
    results: ReadonlyArray<MethodResult<T, K>>,
  ): ResultServiceMocker<T> {
    const s = this.configure(method);
    s.kind = 'flux';
    const items = [...results];
    s.fallback = () => toFlux(items);
    return this;
  }

  /**
   * Call n returns `results[n]`; after the last one, the {@link ResultServiceMocker.otherwise}
   * Result, or a {@link RfsMockError} naming the method when there is none.
   */
  returnsSequence<K extends ResultMethodKey<T>>(
    method: K,
    results: ReadonlyArray<MethodResult<T, K>>,
  ): ResultServiceMocker<T, K> {
    const s = this.configure(method);
    s.sequence = results.map((r) => {
      checkResult(r, `returnsSequence('${method}')`);
      return () => wrapResult(r, s.kind);
    });
    this.lastSequence = method;
    return this as unknown as ResultServiceMocker<T, K>;
  }

  /** What the method of the preceding `returnsSequence` returns once the sequence is used up. */
  otherwise(
    this: ResultServiceMocker<T, S>,
    result: S extends MethodKey<T> ? MethodResult<T, S> : never,
  ): ResultServiceMocker<T> {
    const method = this.lastSequence;
    if (method === undefined) {
      throw new RfsMockError(
        'ResultServiceMocker.otherwise(result) must follow returnsSequence(method, results).',
      );
    }
    checkResult(result, `otherwise() after returnsSequence('${method}')`);
    const s = this.state(method);
    s.fallback = () => wrapResult(result, s.kind);
    this.lastSequence = undefined;
    return this as ResultServiceMocker<T>;
  }

  /** Every call throws `error` (an `async` method rejects; a MonoResult method's run rejects). */
  throws<K extends MethodKey<T>>(
    method: K,
    error: unknown,
  ): ResultServiceMocker<T> {
    const s = this.configure(method);
    s.fallback = () => {
      if (s.kind === 'promise') return Promise.reject(error);
      if (s.kind === 'mono') {
        return MonoResult.defer(() => {
          throw error;
        });
      }
      throw error;
    };
    return this;
  }

  /** Every call returns exactly `value` (any return type; no shaping). */
  returns<K extends MethodKey<T>>(
    method: K,
    value: MethodReturn<T, K>,
  ): ResultServiceMocker<T> {
    this.configure(method).fallback = () => value;
    return this;
  }

  /** Every call runs `fn` with the call's arguments (`this` is the mock). */
  callsFake<K extends MethodKey<T>>(
    method: K,
    fn: T[K],
  ): ResultServiceMocker<T> {
    const impl = fn as unknown as AnyFunction;
    this.configure(method).fallback = (self, args) =>
      impl.apply(self, args as never[]);
    return this;
  }

  /**
   * Every call runs the real method with `this` = the mock: calls it makes to other methods hit
   * their stubs (and are recorded), never the real code behind them.
   */
  callsThrough<K extends MethodKey<T>>(method: K): ResultServiceMocker<T> {
    const s = this.configure(method);
    s.fallback = (self, args) => s.original.apply(self, args as never[]);
    return this;
  }

  /** The arguments of every call of `method`, oldest first. */
  calls<K extends MethodKey<T>>(method: K): ReadonlyArray<MethodArgs<T, K>> {
    // A copy: later calls must not change what a test already read.
    return this.state(method).calls.map(
      (args) => [...args] as unknown as MethodArgs<T, K>,
    );
  }

  /** How many times `method` was called. */
  callCount<K extends MethodKey<T>>(method: K): number {
    return this.state(method).calls.length;
  }

  /** Forgets recorded calls, keeps behaviours (sequences restart). */
  clearCalls(): this {
    for (const s of this.methods.values()) {
      s.calls.length = 0;
      s.position = 0;
    }
    return this;
  }

  /** Forgets recorded calls and every configured behaviour. */
  reset(): ResultServiceMocker<T> {
    for (const s of this.methods.values()) {
      s.calls.length = 0;
      s.position = 0;
      s.sequence = undefined;
      s.fallback = undefined;
    }
    this.lastSequence = undefined;
    return this as ResultServiceMocker<T>;
  }

  /** Asserts `method` was called at least once. */
  assertCalled<K extends MethodKey<T>>(method: K): void {
    const s = this.state(method);
    if (s.calls.length === 0) {
      throw new RfsAssertionError(
        `Expected ${this.label(s)} to have been called, but it was never called.`,
        s.calls,
      );
    }
  }

  /** Asserts `method` was called exactly once. */
  assertCalledOnce<K extends MethodKey<T>>(method: K): void {
    const s = this.state(method);
    if (s.calls.length !== 1) {
      throw new RfsAssertionError(
        failureMessage(
          `Expected ${this.label(s)} to have been called once, but it was called ${times(s.calls.length)}.`,
          [['Calls', listCalls(s.calls)]],
        ),
        s.calls,
        1,
      );
    }
  }

  /** Asserts some call of `method` had exactly these arguments (strict deep equality). */
  assertCalledWith<K extends MethodKey<T>>(
    method: K,
    ...args: MethodArgs<T, K>
  ): void {
    const s = this.state(method);
    if (s.calls.some((call) => deepEqual(call, args))) return;
    const last = s.calls[s.calls.length - 1];
    throw new RfsAssertionError(
      failureMessage(
        s.calls.length === 0
          ? `Expected ${this.label(s)} to have been called with ${show(args)}, but it was never called.`
          : `Expected ${this.label(s)} to have been called with ${show(args)}, but no call matched.`,
        [
          ['Calls', listCalls(s.calls)],
          [
            'Difference from the last call (- expected, + actual)',
            last === undefined ? undefined : diff(last, args),
          ],
        ],
      ),
      s.calls,
      args,
    );
  }

  /** Asserts `method` was never called. */
  assertNotCalled<K extends MethodKey<T>>(method: K): void {
    const s = this.state(method);
    if (s.calls.length > 0) {
      throw new RfsAssertionError(
        failureMessage(
          `Expected ${this.label(s)} not to have been called, but it was called ${times(s.calls.length)}.`,
          [['Calls', listCalls(s.calls)]],
        ),
        s.calls,
        0,
      );
    }
  }

  private always(method: string, result: Result<unknown, unknown>): this {
    const s = this.configure(method);
    s.fallback = () => wrapResult(result, s.kind);
    return this;
  }

  private mono(
    method: string,
    result: Result<unknown, unknown>,
    options: MockMonoOptions,
  ): this {
    const delayMs = options.delayMs ?? 0;
    const field = `ResultServiceMocker: delayMs of '${method}'`;
    delayedMono(result, delayMs, field); // validates now, not at the first call
    const s = this.configure(method);
    s.kind = 'mono';
    s.fallback = () => delayedMono(result, delayMs, field);
    return this;
  }

  /** Starts a new configuration of `method`: it replaces what was configured before. */
  private configure(method: string): MethodState {
    const s = this.state(method);
    s.sequence = undefined;
    s.position = 0;
    s.fallback = undefined;
    this.lastSequence = undefined;
    return s;
  }

  private state(method: string): MethodState {
    const s = this.methods.get(method);
    if (s === undefined) {
      throw new RfsMockError(
        `ResultServiceMocker: ${this.token.name} has no method '${method}'. Its methods are: ${
          this.methodNames().join(', ') || '(none)'
        }.`,
      );
    }
    return s;
  }

  private stubFor(s: MethodState): (...args: unknown[]) => unknown {
    const reply = (self: unknown, args: unknown[]): unknown =>
      this.reply(s, self, args);
    // A plain function (not an arrow) so `this` is whatever the caller bound, like the original.
    const stub = function (this: unknown, ...args: unknown[]): unknown {
      s.calls.push(args);
      return reply(this, args);
    };
    Object.defineProperty(stub, 'name', { value: s.name });
    return stub;
  }

  private reply(s: MethodState, self: unknown, args: unknown[]): unknown {
    if (s.sequence !== undefined && s.position < s.sequence.length) {
      return s.sequence[s.position++](self, args);
    }
    if (s.fallback !== undefined) return s.fallback(self, args);
    if (s.sequence !== undefined) {
      throw new RfsMockError(
        `ResultServiceMocker: ${this.label(s)} was called ${times(s.calls.length)}, but returnsSequence('${s.name}', …) holds ${s.sequence.length} result(s) and no otherwise(result) follows it.`,
      );
    }
    throw new RfsMockError(
      `ResultServiceMocker: ${this.label(s)} was called, but no behaviour is configured for it. ` +
        `Configure it with returnsOk('${s.name}', value), returnsErr, returnsSequence, returnsMonoOk, returnsFlux, throws or callsThrough.`,
    );
  }

  private label(s: MethodState): string {
    return `${this.token.name}.${s.name}`;
  }
}

/**
 * A typed mock of every method of `serviceClass`, for
 * `Test.createTestingModule(...).overrideProvider(ServiceClass).useValue(mock)`. Configure it in
 * `configure` or later through `ResultServiceMocker.of(mock)`.
 *
 * @example
 * ```ts
 * const users = mockResultService(UsersService, (m) => m.returnsOk('find', user));
 * const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
 *   .overrideProvider(UsersService).useValue(users).compile();
 * ResultServiceMocker.of(users).assertCalledOnce('find');
 * ```
 */
export function mockResultService<T extends object>(
  serviceClass: ServiceClass<T>,
  configure?: (mocker: ResultServiceMocker<T>) => unknown,
): T {
  const mocker = new ResultServiceMocker(serviceClass);
  configure?.(mocker);
  return mocker.instance;
}

function collectMethods(proto: object): Map<string, AnyFunction> {
  const out = new Map<string, AnyFunction>();
  for (
    let p: object | null = proto;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === 'constructor' || out.has(name)) continue;
      if (LIFECYCLE_HOOKS.includes(name)) continue;
      const d = Object.getOwnPropertyDescriptor(p, name);
      // Getters are left alone: reading one must not run code.
      if (d && typeof d.value === 'function') {
        out.set(name, d.value as AnyFunction);
      }
    }
  }
  return out;
}

function checkResult(value: unknown, where: string): void {
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

function times(n: number): string {
  return n === 1 ? '1 time' : `${n} times`;
}

function listCalls(calls: readonly unknown[][]): string | undefined {
  if (calls.length === 0) return '(none)';
  return calls.map((args, i) => `${i + 1}. ${show(args)}`).join('\n');
}
