import { err, ok, type Result } from '../result/result';
import { MonoResult } from '../result/mono-result';
import { show } from './rfs-assertion.error';
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
import { toFlux, wrapResult } from './mock-return-kind';
import { delayedMono } from './delayed-mono';
import {
  assertMockCalled,
  assertMockCalledOnce,
  assertMockCalledWith,
  assertMockNotCalled,
} from './mock-call.assertions';
import {
  MOCK_HIDDEN_LIFECYCLE_HOOKS,
  checkMockResult,
  collectMockedMethods,
  type MockedMethod,
  mockedMethodStub,
  resetMockedMethod,
} from './mocked-method';
import { RfsMockError } from './rfs-mock.error';

export { RfsMockError } from './rfs-mock.error';

/** Options of `returnsMonoOk` / `returnsMonoErr`. */
export interface MockMonoOptions {
  /** Resolve after this many ms (a `setTimeout`, so Jest fake timers drive it). Default 0: at once. */
  delayMs?: number;
}

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
  private readonly methods: Map<string, MockedMethod>;
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
    this.methods = collectMockedMethods(serviceClass.name, proto);
    for (const [name, m] of this.methods) instance[name] = mockedMethodStub(m);
    for (const hook of MOCK_HIDDEN_LIFECYCLE_HOOKS) instance[hook] = undefined;
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
      checkMockResult(r, `returnsSequence('${method}')`);
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
    checkMockResult(result, `otherwise() after returnsSequence('${method}')`);
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
    for (const s of this.methods.values()) resetMockedMethod(s, false);
    return this;
  }

  /** Forgets recorded calls and every configured behaviour. */
  reset(): ResultServiceMocker<T> {
    for (const s of this.methods.values()) resetMockedMethod(s, true);
    this.lastSequence = undefined;
    return this as ResultServiceMocker<T>;
  }

  /** Asserts `method` was called at least once. */
  assertCalled<K extends MethodKey<T>>(method: K): void {
    assertMockCalled(this.state(method));
  }

  /** Asserts `method` was called exactly once. */
  assertCalledOnce<K extends MethodKey<T>>(method: K): void {
    assertMockCalledOnce(this.state(method));
  }

  /** Asserts some call of `method` had exactly these arguments (strict deep equality). */
  assertCalledWith<K extends MethodKey<T>>(
    method: K,
    ...args: MethodArgs<T, K>
  ): void {
    assertMockCalledWith(this.state(method), args);
  }

  /** Asserts `method` was never called. */
  assertNotCalled<K extends MethodKey<T>>(method: K): void {
    assertMockNotCalled(this.state(method));
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
  private configure(method: string): MockedMethod {
    const s = this.state(method);
    s.sequence = undefined;
    s.position = 0;
    s.fallback = undefined;
    this.lastSequence = undefined;
    return s;
  }

  private state(method: string): MockedMethod {
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
}
