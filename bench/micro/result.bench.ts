// Result chains: nestjs-rfs vs neverthrow (anchor) vs plain try/catch, measured in one run.
// Each chain is 5 steps (andThen/map alternating) over the same step logic; the err chain
// fails at step 1 so the 4 steps after it are pass-through (try/catch: a thrown Error).
import * as nt from 'neverthrow';
import { err, ok, type Result } from '../../lib/result/result';
import { benchSuite } from '../harness';

// Varying inputs so nothing folds to a constant; `i` walks them.
const positives = Array.from({ length: 1024 }, (_, k) => k + 1);
const negatives = positives.map((n) => -n);
let i = 0;
const next = (inputs: number[]): number => inputs[i++ & 1023];

// --- nestjs-rfs
const validate = (n: number): Result<number, string> =>
  n > 0 ? ok(n) : err('must be positive');
const double = (n: number): number => n * 2;
const limit = (n: number): Result<number, string> =>
  n < 1e9 ? ok(n) : err('too large');
const increment = (n: number): number => n + 1;
const finish = (n: number): Result<number, string> =>
  n % 2 === 1 ? ok(n) : err('must be odd');

const rfsChain = (input: number): number =>
  ok(input)
    .andThen(validate)
    .map(double)
    .andThen(limit)
    .map(increment)
    .andThen(finish)
    .unwrapOr(-1);

// --- neverthrow: the same steps
const ntValidate = (n: number): nt.Result<number, string> =>
  n > 0 ? nt.ok(n) : nt.err('must be positive');
const ntLimit = (n: number): nt.Result<number, string> =>
  n < 1e9 ? nt.ok(n) : nt.err('too large');
const ntFinish = (n: number): nt.Result<number, string> =>
  n % 2 === 1 ? nt.ok(n) : nt.err('must be odd');

const ntChain = (input: number): number =>
  nt
    .ok<number, string>(input)
    .andThen(ntValidate)
    .map(double)
    .andThen(ntLimit)
    .map(increment)
    .andThen(ntFinish)
    .unwrapOr(-1);

// --- try/catch: steps throw an Error
const tcValidate = (n: number): number => {
  if (!(n > 0)) throw new Error('must be positive');
  return n;
};
const tcLimit = (n: number): number => {
  if (!(n < 1e9)) throw new Error('too large');
  return n;
};
const tcFinish = (n: number): number => {
  if (n % 2 !== 1) throw new Error('must be odd');
  return n;
};

const tcChain = (input: number): number => {
  try {
    return tcFinish(increment(tcLimit(double(tcValidate(input)))));
  } catch {
    return -1;
  }
};

// The three chains must compute the same thing, or the comparison means nothing.
for (const input of [1, 7, 4e8, 6e8, -3]) {
  const answers = [rfsChain(input), ntChain(input), tcChain(input)];
  if (new Set(answers).size !== 1) {
    throw new Error(`chains disagree on ${input}: ${answers.join(', ')}`);
  }
}

const cases = (inputs: number[]) => ({
  'nestjs-rfs': () => rfsChain(next(inputs)),
  neverthrow: () => ntChain(next(inputs)),
  'try/catch': () => tcChain(next(inputs)),
});

void benchSuite({
  name: 'result',
  title: 'Result chains: nestjs-rfs vs neverthrow vs try/catch',
  description:
    'A 5-step chain (andThen, map, andThen, map, andThen, then unwrapOr) over the same step logic. The ok chain succeeds; the err chain fails at step 1, so 4 pass-through steps follow (try/catch throws and catches an Error). Goal: nestjs-rfs no slower than neverthrow.',
  anchor: 'neverthrow',
  goals: { 'nestjs-rfs': 1 },
  comparisons: {
    'ok chain (5 steps)': cases(positives),
    'err chain (fails at step 1)': cases(negatives),
  },
});
