// MonoResult chains vs neverthrow ResultAsync vs plain async/await (anchor), in one run.
// Every chain has 5 steps over the same step logic, written in each style's own idiom (plain
// async functions that throw; async functions that return a Result), and is built per call as
// a request handler would. The harness awaits each call.
import * as nt from 'neverthrow';
import { MonoResult } from '../../lib/result/mono-result';
import { err, ok, type Result } from '../../lib/result/result';
import { benchSuite } from '../harness';

const positives = Array.from({ length: 1024 }, (_, k) => k + 1);
const negatives = positives.map((n) => -n);
let i = 0;
const next = (inputs: number[]): number => inputs[i++ & 1023];

// --- plain async/await: async steps return values, failures are thrown Errors
const load = async (n: number): Promise<number> => n;
const validate = (n: number): number => {
  if (!(n > 0)) throw new Error('must be positive');
  return n;
};
const enrich = async (n: number): Promise<number> => n * 2;
const shape = (n: number): number => n + 1;
const save = async (n: number): Promise<number> => n;
const check = async (n: number): Promise<number> => {
  if (n % 2 !== 1) throw new Error('must be odd');
  return n;
};

/** load → validate → enrich → shape → save (3 async, 2 sync steps). */
const awaitMixed = async (input: number): Promise<number> => {
  try {
    const a = await load(input);
    const b = await enrich(validate(a));
    return await save(shape(b));
  } catch {
    return -1;
  }
};
/** load → enrich → save → check → save (5 async steps). */
const awaitAsync = async (input: number): Promise<number> => {
  try {
    const a = await load(input);
    const b = await enrich(a);
    const c = await save(shape(b));
    const d = await check(c);
    return await save(d);
  } catch {
    return -1;
  }
};

// --- Result style: the same steps return Results (async ones: a Promise of a Result)
const loadR = async (n: number): Promise<Result<number, string>> => ok(n);
const validateR = (n: number): Result<number, string> =>
  n > 0 ? ok(n) : err('must be positive');
const enrichR = async (n: number): Promise<Result<number, string>> => ok(n * 2);
const saveR = async (n: number): Promise<Result<number, string>> => ok(n);
const checkR = async (n: number): Promise<Result<number, string>> =>
  n % 2 === 1 ? ok(n) : err('must be odd');
const saveShapedR = (n: number): Promise<Result<number, string>> =>
  saveR(shape(n));

// --- the floor of Result style: one hand-written async function, no library
const handMixed = async (input: number): Promise<Result<number, string>> => {
  const a = await loadR(input);
  if (a.isErr()) return a;
  const b = validateR(a.value);
  if (b.isErr()) return b;
  const c = await enrichR(b.value);
  if (c.isErr()) return c;
  return await saveR(shape(c.value));
};
const handAsync = async (input: number): Promise<Result<number, string>> => {
  const a = await loadR(input);
  if (a.isErr()) return a;
  const b = await enrichR(a.value);
  if (b.isErr()) return b;
  const c = await saveShapedR(b.value);
  if (c.isErr()) return c;
  const d = await checkR(c.value);
  if (d.isErr()) return d;
  return await saveR(d.value);
};

// --- the floor of any chain runner: the same steps run by one generic loop over a constant array
// (one call site for every step, a promise check after each call), no library and nothing built
// per call. A library that runs every chain step by step through shared call sites pays at
// least this.
type StepR = (
  n: number,
) => Result<number, string> | Promise<Result<number, string>>;
const shapeR = (n: number): Result<number, string> => ok(shape(n));
const mixedSteps: readonly StepR[] = [loadR, validateR, enrichR, shapeR, saveR];
const asyncSteps: readonly StepR[] = [
  loadR,
  enrichR,
  saveShapedR,
  checkR,
  saveR,
];
const loopSteps = async (
  steps: readonly StepR[],
  input: number,
): Promise<Result<number, string>> => {
  let r: Result<number, string> = ok(input);
  for (let k = 0; k < steps.length; k++) {
    const out = steps[k](r.value);
    r = out instanceof Promise ? await out : out;
    if (r.isErr()) return r;
  }
  return r;
};

const monoMixed = (input: number): Promise<Result<number, string>> =>
  MonoResult.fromAsync(() => loadR(input))
    .flatMap(validateR)
    .flatMap(enrichR)
    .map(shape)
    .flatMap(saveR)
    .run();
const monoAsync = (input: number): Promise<Result<number, string>> =>
  MonoResult.fromAsync(() => loadR(input))
    .flatMap(enrichR)
    .flatMap(saveShapedR)
    .flatMap(checkR)
    .flatMap(saveR)
    .run();

// --- neverthrow: ResultAsync over the same kind of steps
const ntLoad = async (n: number): Promise<nt.Result<number, string>> =>
  nt.ok(n);
const ntValidate = (n: number): nt.Result<number, string> =>
  n > 0 ? nt.ok(n) : nt.err('must be positive');
const ntEnrich = (n: number): nt.ResultAsync<number, string> =>
  new nt.ResultAsync((async () => nt.ok(n * 2))());
const ntSave = (n: number): nt.ResultAsync<number, string> =>
  new nt.ResultAsync((async () => nt.ok(n))());
const ntCheck = (n: number): nt.ResultAsync<number, string> =>
  new nt.ResultAsync(
    (async () => (n % 2 === 1 ? nt.ok(n) : nt.err('must be odd')))(),
  );
const ntMixed = (input: number): PromiseLike<nt.Result<number, string>> =>
  new nt.ResultAsync(ntLoad(input))
    .andThen(ntValidate)
    .andThen(ntEnrich)
    .map(shape)
    .andThen(ntSave);
const ntAsync = (input: number): PromiseLike<nt.Result<number, string>> =>
  new nt.ResultAsync(ntLoad(input))
    .andThen(ntEnrich)
    .andThen((n) => ntSave(shape(n)))
    .andThen(ntCheck)
    .andThen(ntSave);

// The chains must compute the same thing, or the comparison means nothing.
async function agree(): Promise<void> {
  const unwrap = (r: { unwrapOr(v: number): number }): number => r.unwrapOr(-1);
  for (const input of [1, 7, 500, -3]) {
    const mixed = [
      await awaitMixed(input),
      unwrap(await monoMixed(input)),
      unwrap(await ntMixed(input)),
      unwrap(await handMixed(input)),
      unwrap(await loopSteps(mixedSteps, input)),
    ];
    const all = [
      await awaitAsync(input),
      unwrap(await monoAsync(input)),
      unwrap(await ntAsync(input)),
      unwrap(await handAsync(input)),
      unwrap(await loopSteps(asyncSteps, input)),
    ];
    for (const answers of [mixed, all]) {
      if (new Set(answers).size !== 1) {
        throw new Error(`chains disagree on ${input}: ${answers.join(', ')}`);
      }
    }
  }
}

const mixedCases = (inputs: number[]) => ({
  'async/await': () => awaitMixed(next(inputs)),
  MonoResult: () => monoMixed(next(inputs)),
  'neverthrow ResultAsync': () => ntMixed(next(inputs)),
  'hand-written Result async fn': () => handMixed(next(inputs)),
  'step loop, no library': () => loopSteps(mixedSteps, next(inputs)),
});
const asyncCases = (inputs: number[]) => ({
  'async/await': () => awaitAsync(next(inputs)),
  MonoResult: () => monoAsync(next(inputs)),
  'neverthrow ResultAsync': () => ntAsync(next(inputs)),
  'hand-written Result async fn': () => handAsync(next(inputs)),
  'step loop, no library': () => loopSteps(asyncSteps, next(inputs)),
});

void agree().then(() =>
  benchSuite({
    name: 'mono-result',
    title: 'MonoResult: 5-step chain vs neverthrow ResultAsync vs async/await',
    description:
      'Each call builds and runs a 5-step chain over the same step logic, each style in its own idiom: async/await steps return values and throw Errors; MonoResult and neverthrow steps return Results (async ones a Promise of one). Mixed: async load, sync validate, async enrich, sync shape, async save. All async: load, enrich, save, check, save. The err chains fail at validation (step 2); async/await throws and catches an Error there. The whole-chain ratio is the average ratio per step. "hand-written Result async fn" is the floor of the Result style: the same steps in one async function with an `if (r.isErr()) return r` after each, no library. "step loop, no library" is the floor of any chain runner: the same steps run by one generic async loop over a constant array (one call site for every step, a promise check after each), nothing built per call. Goal: MonoResult ≤ 1.5× async/await.',
    anchor: 'async/await',
    goals: { MonoResult: 1.5 },
    comparisons: {
      'mixed ok chain (5 steps)': mixedCases(positives),
      'all-async ok chain (5 steps)': asyncCases(positives),
      'mixed err chain (fails at step 2)': mixedCases(negatives),
    },
  }),
);
