import { LogRedactor, REDACTED } from './log-redactor';
import { LoggingOptions } from './logging.options';

const defaults = new LoggingOptions().redact;

describe('LogRedactor', () => {
  const r = new LogRedactor(defaults);

  it('redacts the configured keys at any depth, case-insensitively, in objects, arrays and Maps', () => {
    const out = r.redact({
      user: { name: 'ann', password: 'p', profile: { apikey: 'k' } },
      headers: { Authorization: 'Bearer x', Cookie: 'c' },
      list: [{ token: 't', keep: 1 }],
      map: new Map<string, unknown>([
        ['secret', 's'],
        ['ok', 2],
      ]),
    });
    expect(out).toEqual({
      user: { name: 'ann', password: REDACTED, profile: { apikey: REDACTED } },
      headers: { Authorization: REDACTED, Cookie: REDACTED },
      list: [{ token: REDACTED, keep: 1 }],
      map: { secret: REDACTED, ok: 2 },
    });
  });

  it('turns cyclic values into markers instead of throwing', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a];
    expect(r.redact(a)).toEqual({
      name: 'a',
      self: '[Circular]',
      list: ['[Circular]'],
    });
  });

  it('keeps a shared (non-cyclic) object in both places', () => {
    const shared = { v: 1 };
    expect(r.redact({ a: shared, b: shared })).toEqual({
      a: { v: 1 },
      b: { v: 1 },
    });
  });

  it('truncates a 1 MB string', () => {
    const big = 'x'.repeat(1024 * 1024);
    const out = r.redact({ big }) as { big: string };
    expect(out.big.length).toBeLessThan(3000);
    expect(out.big).toMatch(/more chars\]$/);
  });

  it('survives throwing getters, throwing toJSON and hostile proxies', () => {
    const getter = {
      ok: 1,
      get bad(): never {
        throw new Error('getter');
      },
    };
    const json = {
      toJSON(): never {
        throw new Error('toJSON');
      },
    };
    const proxy = new Proxy(
      {},
      {
        ownKeys(): never {
          throw new Error('ownKeys');
        },
      },
    );
    expect(r.redact({ getter, json, proxy })).toEqual({
      getter: { ok: 1, bad: '[Getter threw]' },
      json: '[toJSON threw]',
      proxy: {},
    });
  });

  it('uses toJSON results, and redacts inside them', () => {
    const v = { toJSON: () => ({ token: 't', id: 7 }) };
    expect(r.redact(v)).toEqual({ token: REDACTED, id: 7 });
  });

  it('bounds depth, entries and total size', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const json = JSON.stringify(r.redact(deep));
    expect(json).toContain('[Depth]');
    const wide = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`k${i}`, i]),
    );
    const out = r.redact(wide) as Record<string, unknown>;
    expect(Object.keys(out)).toHaveLength(51);
    expect(out['…']).toBe('[450 more keys]');
    const long = r.redact(Array.from({ length: 1000 }, (_, i) => i));
    expect(long).toHaveLength(51);
  });

  it('makes BigInt, symbols, functions, dates, buffers and errors JSON-safe', () => {
    const e = Object.assign(new Error('bad'), { code: 'X', secret: 's' });
    const out = r.redact({
      n: 10n,
      s: Symbol('q'),
      f: function named() {},
      d: new Date(0),
      b: Buffer.from('abc'),
      e,
      nan: NaN,
    });
    expect(out).toEqual({
      n: '10',
      s: 'Symbol(q)',
      f: '[Function named]',
      d: '1970-01-01T00:00:00.000Z',
      b: '[Buffer 3 bytes]',
      e: { type: 'Error', message: 'bad', code: 'X', secret: REDACTED },
      nan: 'NaN',
    });
    expect(() => JSON.stringify(out)).not.toThrow();
  });
});
