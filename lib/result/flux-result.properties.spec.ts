import fc from 'fast-check';
import { err, ok, Result } from './result';
import { FluxResult } from './flux-result';
import { MonoResult } from './mono-result';

const resultArb: fc.Arbitrary<Result<number, string>> = fc.oneof(
  fc.integer().map((n) => ok(n) as Result<number, string>),
  fc.string({ maxLength: 3 }).map((s) => err(s) as Result<number, string>),
);

/** Resolves after `ticks` microtask turns: a cheap, deterministic "random latency". */
function afterTicks<T>(ticks: number, value: T): Promise<T> {
  let p = Promise.resolve();
  for (let i = 0; i < ticks; i++) p = p.then(() => undefined);
  return p.then(() => value);
}

describe('FluxResult properties', () => {
  it('collectAll and partition agree (and match Result.partition)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(resultArb, { maxLength: 30 }),
        async (items) => {
          const flux = FluxResult.fromResults(items);
          const all = await flux.collectAll();
          const parts = await flux.partition();
          const expected = Result.partition(items);
          expect(parts).toEqual(ok(expected));
          if (expected.errs.length > 0) expect(all).toEqual(err(expected.errs));
          else expect(all).toEqual(ok(expected.oks));
        },
      ),
    );
  });

  it('stats agree with the items', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(resultArb, { maxLength: 30 }),
        async (items) => {
          const s = await FluxResult.fromResults(items).stats();
          const errs = items.filter((r) => r.isErr()).length;
          expect(s).toEqual(
            ok({
              total: items.length,
              ok: items.length - errs,
              err: errs,
              successRate:
                items.length === 0 ? 1 : (items.length - errs) / items.length,
              isAllOk: errs === 0,
            }),
          );
        },
      ),
    );
  });

  it('collect is the first Err or every value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(resultArb, { maxLength: 30 }),
        async (items) => {
          const firstErr = items.find((r) => r.isErr());
          const r = await FluxResult.fromResults(items).collect();
          expect(r).toEqual(firstErr ?? ok(Result.partition(items).oks));
        },
      ),
    );
  });

  it('flatMap with ordered: true preserves input order whatever the latencies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(resultArb, fc.nat(20)), { maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<'promise' | 'mono'>('promise', 'mono'),
        async (items, concurrency, kind) => {
          const latency = new Map(items.map(([, t], i) => [i, t]));
          const input = items.map(([r], i) => r.map((v) => ({ v, i })));
          const out = await FluxResult.fromResults(input)
            .flatMap(
              ({ v, i }) => {
                const res = ok(v * 2) as Result<number, string>;
                return kind === 'promise'
                  ? afterTicks(latency.get(i)!, res)
                  : MonoResult.fromAsync(() =>
                      afterTicks(latency.get(i)!, res),
                    );
              },
              { concurrency },
            )
            .toArray();
          expect(out).toEqual(ok(input.map((r) => r.map(({ v }) => v * 2))));
        },
      ),
    );
  });

  it('flatMap with ordered: false emits the same multiset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer(), fc.nat(20)), { maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        async (items, concurrency) => {
          const out = await FluxResult.from(items)
            .flatMap(([v, t]) => afterTicks(t, ok(v)), {
              concurrency,
              ordered: false,
            })
            .collect();
          const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
          expect(out.isOk() && sort(out.value)).toEqual(
            sort(items.map(([v]) => v)),
          );
        },
      ),
    );
  });
});

describe('MonoResult properties', () => {
  it('map/mapErr/flatMap on a mono agree with the same calls on the Result', async () => {
    const f = (n: number) => n * 3 - 1;
    const g = (s: string) => s.length;
    const h = (n: number): Result<number, string> =>
      n % 2 === 0 ? ok(n / 2) : err('odd');
    await fc.assert(
      fc.asyncProperty(resultArb, async (r) => {
        expect(await MonoResult.fromResult(r).map(f)).toEqual(r.map(f));
        expect(await MonoResult.fromResult(r).mapErr(g)).toEqual(r.mapErr(g));
        expect(await MonoResult.fromResult(r).flatMap(h)).toEqual(r.andThen(h));
        expect(
          await MonoResult.fromResult(r).flatMap((n) => Promise.resolve(h(n))),
        ).toEqual(r.andThen(h));
      }),
    );
  });

  it('all over a list is Result.all of the same Results', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(resultArb, { maxLength: 10 }),
        fc.integer({ min: 1, max: 4 }),
        async (items, concurrency) => {
          const monos = items.map((r) =>
            MonoResult.fromAsync(() => afterTicks(1, r)),
          );
          const r = await MonoResult.all(monos, { concurrency });
          const firstErr = items.find((x) => x.isErr());
          expect(r).toEqual(
            firstErr ?? ok(items.map((x) => (x as { value: number }).value)),
          );
        },
      ),
    );
  });
});
