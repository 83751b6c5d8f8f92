import { err, ok, type Err, type Ok, type Result } from '../result/result';
import { RfsError } from '../result/rfs.error';
import type { MonoResult } from '../result/mono-result';
import { FluxResult } from '../result/flux-result';
import { delayedMono } from './delayed-mono';
import { SeededRandom } from './seeded-random';

/** Options of {@link ResultTestDataFactory}. */
export interface ResultTestDataFactoryOptions {
  /** Same seed → same data (number or string). Default `1`. */
  seed?: number | string;
}

/** Options of `okMono` / `errMono`. */
export interface TestMonoOptions {
  /** Yield after this many ms (a `setTimeout`: fake timers drive it). Default 0. */
  delayMs?: number;
}

/** Options of `mixedResults` / `mixedFlux`. */
export interface MixedResultsOptions {
  /** Number of items (integer ≥ 0). */
  total: number;
  /** Fraction of Ok items, 0–1: exactly `Math.round(total * successRate)` are Ok. Default 0.8. */
  successRate?: number;
  /** Shuffle the Oks among the Errs (seeded). Default `true`; `false`: Oks first. */
  shuffle?: boolean;
}

/** A generated user (see {@link ResultTestDataFactory.users}). */
export interface TestUser {
  id: string;
  name: string;
  email: string;
  age: number;
  /** Whether the record passes {@link validateTestUser}. */
  valid: boolean;
  /** The field made invalid, on invalid users. */
  invalidField?: 'name' | 'email' | 'age';
}

/** One size of {@link ResultTestDataFactory.performanceDataset}. */
export interface PerformanceDatasetEntry {
  size: number;
  /** `size` Results (Ok: an integer; Err: an RfsError), shuffled. */
  results: Result<number, RfsError>[];
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson'];
const RESOURCES = ['order', 'user', 'invoice', 'product', 'payment'];
const SERVICES = ['payments', 'inventory', 'shipping', 'email'];

const ERROR_MAKERS: ReadonlyArray<(rng: SeededRandom) => RfsError> = [
  (r) =>
    RfsError.validation({ [r.pick(['email', 'age', 'name'])]: 'is invalid' }),
  () => RfsError.unauthorized('token expired'),
  (r) => RfsError.forbidden(r.pick(RESOURCES), r.pick(['read', 'delete'])),
  (r) => RfsError.notFound(r.pick(RESOURCES), String(r.int(1, 9999))),
  () => RfsError.requestTimeout(),
  (r) => RfsError.conflict(r.pick(RESOURCES), 'version mismatch'),
  (r) => RfsError.payloadTooLarge(`${r.int(1, 10)}mb`),
  (r) => RfsError.rateLimited(r.int(10, 100), '1m'),
  () => RfsError.internal(),
  (r) => RfsError.database(r.pick(['insert', 'select', 'update'])),
  (r) => RfsError.externalService(r.pick(SERVICES), 'bad gateway'),
  () => RfsError.serviceUnavailable('maintenance'),
  (r) => RfsError.timeout(r.pick(SERVICES), r.int(100, 5000)),
];

/**
 * Seeded test data: the same seed gives the same Results, users and errors on every run, so a
 * failing case can be reproduced.
 *
 * @example
 * ```ts
 * const data = new ResultTestDataFactory({ seed: 42 });
 * const items = data.mixedResults({ total: 100, successRate: 0.9 }); // exactly 90 Oks
 * const users = data.users(20, { invalidRatio: 0.25 });              // 5 invalid
 * ```
 */
export class ResultTestDataFactory {
  /** The seeded generator (for data of your own). */
  readonly random: SeededRandom;

  constructor(options: ResultTestDataFactoryOptions = {}) {
    this.random = new SeededRandom(options.seed ?? 1);
  }

  /** `Ok(value)`; without a value, `Ok` of a random integer in [0, 1_000_000]. */
  ok(): Ok<number, never>;
  ok<T>(value: T): Ok<T, never>;
  ok<T>(...args: [T?]): Ok<T | number, never> {
    return args.length > 0 ? ok(args[0] as T) : ok(this.random.int(0, 1e6));
  }

  /** `Err(error)`; without an error, `Err` of a random {@link RfsError} (see `apiErrors`). */
  err(): Err<never, RfsError>;
  err<E>(error: E): Err<never, E>;
  err<E>(...args: [E?]): Err<never, E | RfsError> {
    return args.length > 0 ? err(args[0] as E) : err(this.apiError());
  }

  /** A cold MonoResult of `Ok(value)`, after `delayMs` if given. */
  okMono<T>(value: T, options: TestMonoOptions = {}): MonoResult<T, never> {
    return delayedMono(ok(value), options.delayMs ?? 0, 'okMono: delayMs');
  }

  /** A cold MonoResult of `Err(error)` (a random RfsError when omitted), after `delayMs`. */
  errMono<E = RfsError>(
    error?: E,
    options: TestMonoOptions = {},
  ): MonoResult<never, E> {
    const e = error === undefined ? (this.apiError() as E) : error;
    return delayedMono(err(e), options.delayMs ?? 0, 'errMono: delayMs');
  }

  /**
   * `total` Results with exactly `Math.round(total * successRate)` Oks (their index as value)
   * and RfsError Errs, shuffled with the seed.
   */
  mixedResults(options: MixedResultsOptions): Result<number, RfsError>[] {
    const { total, successRate = 0.8, shuffle = true } = options;
    requireCount(total, 'mixedResults: total');
    requireRatio(successRate, 'mixedResults: successRate');
    const oks = Math.round(total * successRate);
    const out: Result<number, RfsError>[] = [];
    for (let i = 0; i < total; i++) {
      out.push(i < oks ? ok(i) : err(this.apiError()));
    }
    return shuffle ? this.random.shuffle(out) : out;
  }

  /** {@link ResultTestDataFactory.mixedResults} as a (cold, replayable) FluxResult. */
  mixedFlux(options: MixedResultsOptions): FluxResult<number, RfsError> {
    return FluxResult.fromResults(this.mixedResults(options));
  }

  /** `n` RfsErrors covering the 13 error codes (each code once per 13, seeded order). */
  apiErrors(n: number): RfsError[] {
    requireCount(n, 'apiErrors: n');
    const out: RfsError[] = [];
    while (out.length < n) {
      for (const make of this.random.shuffle(ERROR_MAKERS)) {
        if (out.length === n) break;
        out.push(make(this.random));
      }
    }
    return out;
  }

  /**
   * `n` users, exactly `Math.round(n * invalidRatio)` of them invalid (an empty name, a bad
   * email or a negative age; `valid: false` and `invalidField` say which), seeded order.
   */
  users(n: number, options: { invalidRatio?: number } = {}): TestUser[] {
    const { invalidRatio = 0 } = options;
    requireCount(n, 'users: n');
    requireRatio(invalidRatio, 'users: invalidRatio');
    const invalid = new Set(
      this.random
        .shuffle(Array.from({ length: n }, (_, i) => i))
        .slice(0, Math.round(n * invalidRatio)),
    );
    return Array.from({ length: n }, (_, i) => {
      const first = this.random.pick(FIRST);
      const last = this.random.pick(LAST);
      const user: TestUser = {
        id: `user-${i + 1}`,
        name: `${first} ${last}`,
        email: `${first}.${last}${i + 1}@example.com`.toLowerCase(),
        age: this.random.int(18, 90),
        valid: true,
      };
      if (invalid.has(i)) {
        const field = this.random.pick(['name', 'email', 'age'] as const);
        user.valid = false;
        user.invalidField = field;
        if (field === 'name') user.name = '';
        else if (field === 'email')
          user.email = user.email.replace('@', ' at ');
        else user.age = -this.random.int(1, 50);
      }
      return user;
    });
  }

  /** For each size, that many shuffled Results (95% Ok by default). */
  performanceDataset(
    sizes: readonly number[],
    options: { successRate?: number } = {},
  ): PerformanceDatasetEntry[] {
    return sizes.map((size) => ({
      size,
      results: this.mixedResults({
        total: size,
        successRate: options.successRate ?? 0.95,
      }),
    }));
  }

  private apiError(): RfsError {
    return this.random.pick(ERROR_MAKERS)(this.random);
  }
}

/** Validates a {@link TestUser}: an `Ok` of the user or an `Err` of a validation RfsError. */
export function validateTestUser(user: TestUser): Result<TestUser, RfsError> {
  const errors: Record<string, string> = {};
  if (user.name.trim() === '') errors.name = 'must not be empty';
  if (!/^[^\s@]+@[^\s@]+$/.test(user.email)) errors.email = 'must be an email';
  if (!Number.isInteger(user.age) || user.age < 0) {
    errors.age = 'must be an integer >= 0';
  }
  return Object.keys(errors).length > 0
    ? err(RfsError.validation(errors))
    : ok(user);
}

function requireCount(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `${field} must be an integer >= 0, got ${String(value)}.`,
    );
  }
}

function requireRatio(value: number, field: string): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(
      `${field} must be a number between 0 and 1, got ${String(value)}.`,
    );
  }
}
