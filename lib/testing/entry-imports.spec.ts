import * as fs from 'node:fs';
import * as path from 'node:path';

// `nestjs-rfs` and `nestjs-rfs/testing` must load in any runner: neither may reach Jest at run
// time. Only `nestjs-rfs/testing/jest` does (through the global `expect`).

const LIB = path.join(__dirname, '..');
const JEST_PACKAGES = ['jest', 'expect', '@jest/globals', '@jest/expect'];

/** Value (non-type) imports and re-exports of a TS file. */
function valueSpecifiers(file: string): string[] {
  const src = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  const re =
    /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(src); m; m = re.exec(src)) out.push(m[1]);
  return out;
}

function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of valueSpecifiers(file)) {
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) =>
        fs.existsSync(f),
      );
      if (!target) throw new Error(`${file}: cannot resolve ${spec}`);
      visit(target);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('entry points and Jest', () => {
  it('nestjs-rfs reaches neither Jest nor the testing kit', () => {
    const g = graph(path.join(LIB, 'index.ts'));
    expect(g.files.size).toBeGreaterThan(20);
    expect([...g.packages].filter((p) => JEST_PACKAGES.includes(p))).toEqual(
      [],
    );
    expect(
      [...g.files].filter((f) => f.includes(`${path.sep}testing${path.sep}`)),
    ).toEqual([]);
  });

  it('nestjs-rfs/testing does not reach Jest or the matchers', () => {
    const g = graph(path.join(LIB, 'testing', 'index.ts'));
    expect([...g.packages].filter((p) => JEST_PACKAGES.includes(p))).toEqual(
      [],
    );
    const names = [...g.files].map((f) => path.basename(f));
    expect(names).toContain('result-service.mocker.ts');
    expect(names).not.toContain('jest.ts');
    expect(names).not.toContain('result.matchers.ts');
  });

  it('the analysis sees value imports and skips type-only ones', () => {
    const g = graph(path.join(LIB, 'testing', 'jest.ts'));
    expect([...g.files].map((f) => path.basename(f))).toContain(
      'result.matchers.ts',
    );
    // result.matchers.ts imports `type { … } from 'expect'`: erased, so not a run-time import.
    expect(g.packages.has('expect')).toBe(false);
  });
});
