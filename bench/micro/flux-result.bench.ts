// FluxResult.flatMap over 10K items vs raw RxJS mergeMap (anchor), in one run. Each call runs
// the whole pipeline a user writes: source → flatMap (concurrency 10) → collected array.
import { from, lastValueFrom, mergeMap, of, toArray } from 'rxjs';
import { FluxResult } from '../../lib/result/flux-result';
import { ok, type Result } from '../../lib/result/result';
import { benchSuite } from '../harness';

const N = 10_000;
const items = Array.from({ length: N }, (_, k) => k);

// the same step in each style's idiom
const double = async (n: number): Promise<number> => n * 2;
const doubleR = async (n: number): Promise<Result<number, string>> => ok(n * 2);

const rxAsync = (): Promise<number[]> =>
  lastValueFrom(from(items).pipe(mergeMap(double, 10), toArray()));
const fluxOrdered = (): Promise<Result<number[], string>> =>
  FluxResult.from(items).flatMap(doubleR, { concurrency: 10 }).collect().run();
const fluxUnordered = (): Promise<Result<number[], string>> =>
  FluxResult.from(items)
    .flatMap(doubleR, { concurrency: 10, ordered: false })
    .collect()
    .run();

const rxSync = (): Promise<number[]> =>
  lastValueFrom(
    from(items).pipe(
      mergeMap((n) => of(n * 2), 10),
      toArray(),
    ),
  );
const fluxSync = (): Promise<Result<number[], string>> =>
  FluxResult.from(items)
    .flatMap((n) => ok(n * 2), { concurrency: 10 })
    .collect()
    .run();

// Every pipeline must produce the same numbers (as a multiset for the unordered ones).
async function agree(): Promise<void> {
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const expected = sum(items) * 2;
  const got = [
    sum(await rxAsync()),
    sum((await fluxOrdered()).unwrapOr([])),
    sum((await fluxUnordered()).unwrapOr([])),
    sum(await rxSync()),
    sum((await fluxSync()).unwrapOr([])),
  ];
  if (got.some((g) => g !== expected)) {
    throw new Error(
      `pipelines disagree: ${got.join(', ')} (expected ${expected})`,
    );
  }
  const ordered = (await fluxOrdered()).unwrapOr([]);
  if (ordered.some((v, k) => v !== k * 2)) {
    throw new Error('FluxResult ordered flatMap lost the input order');
  }
}

void agree().then(() =>
  benchSuite({
    name: 'flux-result',
    title: 'FluxResult.flatMap over 10K items vs RxJS mergeMap',
    description:
      'Each call pipes 10,000 items through flatMap with concurrency 10 and collects the array: raw RxJS `from → mergeMap → toArray → lastValueFrom` vs `FluxResult.from → flatMap → collect().run()`. Async: the step is an async function (RxJS: returns the number; FluxResult: returns an Ok). Sync: the step returns at once (RxJS: `of(n * 2)`; FluxResult: `ok(n * 2)`). FluxResult keeps input order by default (`ordered: true`); RxJS mergeMap does not. Goal: FluxResult ≤ 1.3× RxJS.',
    anchor: 'RxJS mergeMap',
    goals: {
      'FluxResult.flatMap (ordered)': 1.3,
      'FluxResult.flatMap (ordered: false)': 1.3,
    },
    rounds: 15,
    comparisons: {
      'async step, 10K items': {
        'RxJS mergeMap': rxAsync,
        'FluxResult.flatMap (ordered)': fluxOrdered,
        'FluxResult.flatMap (ordered: false)': fluxUnordered,
      },
      'sync step, 10K items': {
        'RxJS mergeMap': rxSync,
        'FluxResult.flatMap (ordered)': fluxSync,
      },
    },
  }),
);
