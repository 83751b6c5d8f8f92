import { describeThrown, toJsonSafe } from './safe-value';

describe('toJsonSafe', () => {
  it('keeps plain JSON unchanged', () => {
    const v = { a: 1, b: ['x', true, null], c: { d: 'e' } };
    expect(toJsonSafe(v)).toEqual(v);
  });

  it('handles BigInt, cycles, functions, symbols, Errors, Dates, non-finite numbers', () => {
    const o: Record<string, unknown> = {
      big: 5n,
      fn: () => 1,
      sym: Symbol('s'),
      err: new TypeError('bad'),
      date: new Date(0),
      inf: Infinity,
      arr: [undefined, () => 1],
    };
    o.self = o;
    expect(toJsonSafe(o)).toEqual({
      big: '5',
      err: { name: 'TypeError', message: 'bad' },
      date: '1970-01-01T00:00:00.000Z',
      inf: null,
      arr: [null, null],
      self: '[Circular]',
    });
  });

  it('copies a shared (non-cyclic) reference twice', () => {
    const shared = { s: 1 };
    expect(toJsonSafe({ a: shared, b: shared })).toEqual({
      a: { s: 1 },
      b: { s: 1 },
    });
  });

  it('bounds depth and width', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 20; i++) {
      deep.next = {};
      deep = deep.next as Record<string, unknown>;
    }
    expect(JSON.stringify(toJsonSafe(root))).toContain('[Object]');
    const wide = Array.from({ length: 1000 }, (_, i) => i);
    expect((toJsonSafe(wide) as unknown[]).length).toBe(200);
  });

  it('skips getters that throw', () => {
    const o = {
      ok: 1,
      get bad(): number {
        throw new Error('no');
      },
    };
    expect(toJsonSafe(o)).toEqual({ ok: 1 });
  });
});

describe('describeThrown', () => {
  it('describes Errors with their stack and anything else without throwing', () => {
    const d = describeThrown(new RangeError('r'));
    expect(d).toMatchObject({ name: 'RangeError', message: 'r' });
    expect(d.stack).toContain('RangeError: r');
    expect(describeThrown(null).message).toBe('null was thrown');
    expect(describeThrown('x'.repeat(5000)).message.length).toBeLessThan(2100);
    expect(describeThrown(3n).message).toBe('3');
    expect(describeThrown({}).name).toBe('Object');
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(describeThrown(proxy)).toEqual({
      name: 'object',
      message: 'object was thrown',
    });
  });
});
