import * as kit from 'nestjs-rfs/testing';
import { rfsMatchers } from './result.matchers';
import { readmeSection } from '../../test/support/readme-sections';

// The README's tables of assertions and matchers are what users look up: every public
// assertion and matcher must be listed, and every listed one must exist.

/** First-column names of table rows: `| \`name(...)\` | … |`. */
function tableNames(): string[] {
  const names: string[] = [];
  const row = /^\|\s*`((?:mocker\.)?\w+)\(/;
  for (const line of readmeSection('testing').split('\n')) {
    const m = row.exec(line);
    if (m) names.push(m[1]);
  }
  return names;
}

const MOCKER_ASSERTIONS = Object.getOwnPropertyNames(
  kit.ResultServiceMocker.prototype,
)
  .filter((n) => n.startsWith('assert'))
  .map((n) => `mocker.${n}`);

const EXPORTED_ASSERTIONS = Object.keys(kit).filter(
  (n) =>
    n.startsWith('assert') &&
    typeof (kit as Record<string, unknown>)[n] === 'function',
);

describe('README testing section', () => {
  const names = tableNames();

  it('lists every exported assertion and every mocker assertion, and nothing else', () => {
    const listed = names.filter(
      (n) => n.startsWith('assert') || n.startsWith('mocker.'),
    );
    expect([...listed].sort()).toEqual(
      [...EXPORTED_ASSERTIONS, ...MOCKER_ASSERTIONS].sort(),
    );
  });

  it('lists every Jest matcher, and nothing else', () => {
    const listed = names.filter((n) => n.startsWith('to'));
    expect([...listed].sort()).toEqual(Object.keys(rfsMatchers).sort());
  });

  it('covers the seed’s 17 assertions and more', () => {
    expect(
      EXPORTED_ASSERTIONS.length + MOCKER_ASSERTIONS.length,
    ).toBeGreaterThan(17);
  });
});
