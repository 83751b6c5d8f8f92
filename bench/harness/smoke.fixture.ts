// Run by harness.spec.ts in a child process (as bench/run.js runs benches):
// `node --require bench/harness/register.js bench/harness/smoke.fixture.ts <outDir>`.
import { compare } from './compare';

const work = (n: number) => (): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += i % 7;
  return s;
};

void compare({
  name: 'harness-smoke',
  anchor: 'small',
  cases: { small: work(50), large: work(5000), async: async () => 1 },
  goals: { large: 1 },
  rounds: 2,
  timeMs: 10,
  outDir: process.argv[2],
  print: false,
});
