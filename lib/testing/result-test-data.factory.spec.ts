import { ErrorCode, RfsError, ok, type Result } from 'nestjs-rfs';
import {
  ResultTestDataFactory,
  SeededRandom,
  validateTestUser,
} from 'nestjs-rfs/testing';

const oks = (rs: Result<unknown, unknown>[]) =>
  rs.filter((r) => r.isOk()).length;

describe('ResultTestDataFactory', () => {
  it('same seed → same data; another seed → other data', () => {
    const gen = (seed: number | string) => {
      const f = new ResultTestDataFactory({ seed });
      return {
        mixed: f.mixedResults({ total: 30, successRate: 0.5 }),
        users: f.users(10, { invalidRatio: 0.3 }),
        errors: f.apiErrors(5).map((e) => e.toJSON()),
        value: f.ok().value,
      };
    };
    expect(gen(7)).toEqual(gen(7));
    expect(gen('abc')).toEqual(gen('abc'));
    expect(gen(7)).not.toEqual(gen(8));
    expect(gen('a')).not.toEqual(gen('b'));
  });

  it('ok / err wrap given values, or make random ones', () => {
    const f = new ResultTestDataFactory({ seed: 1 });
    expect(f.ok('x')).toEqual(ok('x'));
    expect(typeof f.ok().value).toBe('number');
    expect(f.err('bad').error).toBe('bad');
    expect(f.err().error).toBeInstanceOf(RfsError);
  });

  it('mixedResults has exactly round(total × successRate) Oks, shuffled or not', () => {
    const f = new ResultTestDataFactory({ seed: 3 });
    const shuffled = f.mixedResults({ total: 101, successRate: 0.37 });
    expect(shuffled).toHaveLength(101);
    expect(oks(shuffled)).toBe(37);
    // shuffled: not all Oks first
    expect(shuffled.slice(0, 37).every((r) => r.isOk())).toBe(false);
    const ordered = f.mixedResults({
      total: 10,
      successRate: 0.3,
      shuffle: false,
    });
    expect(ordered.map((r) => r.isOk())).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(f.mixedResults({ total: 0 })).toEqual([]);
  });

  it('rejects bad options naming the field and what is accepted', () => {
    const f = new ResultTestDataFactory();
    expect(() => f.mixedResults({ total: -1 })).toThrow(
      'mixedResults: total must be an integer >= 0, got -1.',
    );
    expect(() => f.mixedResults({ total: 3, successRate: 1.5 })).toThrow(
      'mixedResults: successRate must be a number between 0 and 1, got 1.5.',
    );
    expect(() => f.users(2, { invalidRatio: NaN })).toThrow(
      'users: invalidRatio must be a number between 0 and 1, got NaN.',
    );
    expect(() => new ResultTestDataFactory({ seed: Infinity })).toThrow(
      'seed must be a finite number or a string, got Infinity.',
    );
    expect(() => f.okMono(1, { delayMs: -5 })).toThrow(
      'okMono: delayMs must be a finite number >= 0 (milliseconds), got -5.',
    );
  });

  it('apiErrors covers all 13 codes in every 13 errors', () => {
    const errors = new ResultTestDataFactory({ seed: 9 }).apiErrors(26);
    expect(errors).toHaveLength(26);
    const codes = Object.values(ErrorCode).sort();
    expect(
      errors
        .slice(0, 13)
        .map((e) => e.code)
        .sort(),
    ).toEqual(codes);
    expect(
      errors
        .slice(13)
        .map((e) => e.code)
        .sort(),
    ).toEqual(codes);
    for (const e of errors) expect(e.status).toBeGreaterThanOrEqual(400);
  });

  it('users: exactly round(n × invalidRatio) invalid, and validateTestUser agrees', () => {
    const users = new ResultTestDataFactory({ seed: 5 }).users(40, {
      invalidRatio: 0.25,
    });
    expect(users.filter((u) => !u.valid)).toHaveLength(10);
    expect(new Set(users.map((u) => u.id)).size).toBe(40);
    for (const u of users) {
      const r = validateTestUser(u);
      expect(r.isOk()).toBe(u.valid);
      if (r.isErr()) {
        expect(r.error.code).toBe('VALIDATION_ERROR');
        expect(JSON.stringify(r.error.details)).toContain(u.invalidField);
      }
    }
  });

  it('okMono / errMono are cold and honour delayMs with fake timers', async () => {
    jest.useFakeTimers();
    try {
      const f = new ResultTestDataFactory();
      const mono = f.okMono('v', { delayMs: 200 });
      let done: Result<string, never> | undefined;
      void mono.run().then((r) => (done = r));
      await jest.advanceTimersByTimeAsync(199);
      expect(done).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(done).toEqual(ok('v'));
      const e = RfsError.conflict('x', 'y');
      const failing = f.errMono(e, { delayMs: 10 });
      const p = failing.run();
      await jest.advanceTimersByTimeAsync(10);
      expect((await p).isErr()).toBe(true);
    } finally {
      jest.useRealTimers();
    }
    expect((await new ResultTestDataFactory().errMono()).isErr()).toBe(true);
  });

  it('performanceDataset makes one shuffled set per size', () => {
    const sets = new ResultTestDataFactory().performanceDataset([10, 100]);
    expect(sets.map((s) => [s.size, s.results.length])).toEqual([
      [10, 10],
      [100, 100],
    ]);
    expect(oks(sets[1].results)).toBe(95);
  });

  it('SeededRandom: ints within bounds, shuffle is a permutation', () => {
    const r = new SeededRandom(11);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
    const items = [1, 2, 3, 4, 5, 6];
    expect(r.shuffle(items).sort()).toEqual(items);
  });
});
