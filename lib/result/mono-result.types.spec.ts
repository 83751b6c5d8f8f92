import { expectTypeOf } from 'expect-type';
import { of } from 'rxjs';
import { err, ok, type Result } from './result';
import { MonoResult } from './mono-result';
import { FluxResult, type FluxStats } from './flux-result';
import { RfsError } from './rfs.error';
import * as operators from './result-operators';
import { readmeSection } from '../../test/support/readme-sections';

// Type-level assertions (expectTypeOf) are checked by `npm run typecheck`; the run-time parts
// check the values too.

describe('MonoResult types', () => {
  it('constructors infer T and E', async () => {
    expectTypeOf(MonoResult.ok(1)).toEqualTypeOf<MonoResult<number, never>>();
    expectTypeOf(MonoResult.err('e' as const)).toEqualTypeOf<
      MonoResult<never, 'e'>
    >();
    const p = MonoResult.fromPromise(
      async () => 'x',
      () => 404 as const,
    );
    expectTypeOf(p).toEqualTypeOf<MonoResult<string, 404>>();
    expectTypeOf(await p).toEqualTypeOf<Result<string, 404>>();
  });

  it('flatMap unions the error types; recover removes them; timeout adds RfsError', async () => {
    const m = MonoResult.ok(1)
      .flatMap((n) => (n > 0 ? ok(n) : err('neg' as const)))
      .flatMap(async (n) => ok(String(n)))
      .flatMap((s) => MonoResult.err(s.length));
    expectTypeOf(m).toEqualTypeOf<MonoResult<never, 'neg' | number>>();
    const t = MonoResult.ok(1).timeout(10);
    expectTypeOf(t).toEqualTypeOf<MonoResult<number, RfsError>>();
    const r = MonoResult.err('e').recover(() => 0);
    expectTypeOf(r).toEqualTypeOf<MonoResult<number, never>>();
    expect(await m).toEqual(err(1));
  });

  it('all keeps tuple positions and record keys', async () => {
    const tuple = MonoResult.all([MonoResult.ok(1), MonoResult.ok('a')]);
    expectTypeOf(tuple).toEqualTypeOf<MonoResult<[number, string], never>>();
    const rec = MonoResult.all({
      a: MonoResult.ok(true),
      b: MonoResult.err('x' as const),
    });
    expectTypeOf(rec).toEqualTypeOf<
      MonoResult<{ a: boolean; b: never }, 'x'>
    >();
    const zipped = MonoResult.ok(1).zip(MonoResult.err('z' as const));
    expectTypeOf(zipped).toEqualTypeOf<MonoResult<[number, never], 'z'>>();
    expect(await tuple).toEqual(ok([1, 'a']));
  });
});

describe('FluxResult types', () => {
  it('terminals are typed MonoResults', async () => {
    const flux = FluxResult.fromResults<number, string>([ok(1), err('e')]);
    expectTypeOf(flux.collect()).toEqualTypeOf<MonoResult<number[], string>>();
    expectTypeOf(flux.collectAll()).toEqualTypeOf<
      MonoResult<number[], string[]>
    >();
    expectTypeOf(flux.stats()).toEqualTypeOf<MonoResult<FluxStats, never>>();
    expectTypeOf(flux.first()).toEqualTypeOf<
      MonoResult<number, string | RfsError>
    >();
    const mapped = flux.flatMap((n) => of(ok(String(n))));
    expectTypeOf(mapped).toEqualTypeOf<FluxResult<string, string>>();
    expect(await flux.partition()).toEqual(ok({ oks: [1], errs: ['e'] }));
  });
});

/** Names in backticks at the start of a table cell item: `name(` or `name` followed by a separator. */
function apiNames(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| ---')) continue;
    const api = line.split('|')[2] ?? '';
    for (const m of api.matchAll(/`(?:MonoResult\.)?([a-z][a-zA-Z]*)[`(/]/g)) {
      names.add(m[1]);
    }
  }
  return [...names];
}

describe('README MonoResult/FluxResult tables', () => {
  it('every MonoResult API named in the README exists', () => {
    const names = apiNames(readmeSection('mono'));
    expect(names.length).toBeGreaterThan(25);
    const mono = MonoResult.ok(1) as unknown as Record<string, unknown>;
    const statics = MonoResult as unknown as Record<string, unknown>;
    const missing = names.filter(
      (n) =>
        typeof mono[n] !== 'function' &&
        typeof statics[n] !== 'function' &&
        n !== 'await',
    );
    expect(missing).toEqual([]);
  });

  it('every FluxResult API and RxJS operator named in the README exists', () => {
    const text = readmeSection('flux');
    const names = apiNames(text);
    expect(names.length).toBeGreaterThanOrEqual(20);
    const flux = FluxResult.ok(1) as unknown as Record<string, unknown>;
    const statics = FluxResult as unknown as Record<string, unknown>;
    const missing = names.filter(
      (n) => typeof flux[n] !== 'function' && typeof statics[n] !== 'function',
    );
    expect(missing).toEqual([]);
    for (const op of [
      'mapOk',
      'mapErr',
      'flatMapOk',
      'filterOk',
      'tapOk',
      'tapErr',
      'toResult',
    ]) {
      expect(text).toMatch(new RegExp(`\`${op}[\`(]`));
      expect(typeof (operators as Record<string, unknown>)[op]).toBe(
        'function',
      );
    }
  });
});
