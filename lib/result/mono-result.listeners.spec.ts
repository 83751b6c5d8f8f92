import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Node reports MaxListenersExceededWarning on the real process, which Jest's sandbox does not
// expose, so the scenario runs in a child node process and the spec reads its stderr.
const root = join(__dirname, '..', '..');
const script = `
const { MonoResult } = require(${JSON.stringify(join(root, 'lib/result/mono-result.ts'))});
const monos = Array.from({ length: 50 }, (_, i) =>
  MonoResult.fromPromise(() => new Promise((r) => setImmediate(() => r(i))), (e) => e)
    .timeout(1000)
    .retry({ times: 1 }),
);
Promise.all(monos.map((m) => m.run())).then((rs) => {
  console.log(JSON.stringify(rs.map((r) => r.unwrapOr(-1))));
});
`;

describe('MonoResult without a caller signal', () => {
  it('runs many timeout/retry steps at once without a MaxListenersExceededWarning', () => {
    const out = spawnSync(
      process.execPath,
      ['--require', join(root, 'bench/harness/register.js'), '-e', script],
      { cwd: root, encoding: 'utf8', timeout: 20_000 },
    );
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(out.stderr).not.toContain('MaxListenersExceededWarning');
  });
});
