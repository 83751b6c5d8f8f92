import { ERROR_CODE_STATUS } from './error-code';
import { RfsError } from './rfs.error';
import { readmeSection } from '../../test/support/readme-sections';

// The README's error-code table is documentation users copy from: it must say exactly what
// ERROR_CODE_STATUS and the RfsError factories do.

interface Row {
  code: string;
  status: number;
  factory: string;
}

function errorTable(): Row[] {
  const rows: Row[] = [];
  const row = /^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*`RfsError\.(\w+)\(/;
  for (const line of readmeSection('errors').split('\n')) {
    const m = row.exec(line);
    if (m) rows.push({ code: m[1], status: Number(m[2]), factory: m[3] });
  }
  return rows;
}

type Factory = (...args: unknown[]) => RfsError;

describe('README error-code table', () => {
  const rows = errorTable();

  it('lists every code with its default status, exactly as ERROR_CODE_STATUS', () => {
    expect(Object.fromEntries(rows.map((r) => [r.code, r.status]))).toEqual(
      ERROR_CODE_STATUS,
    );
    expect(rows).toHaveLength(Object.keys(ERROR_CODE_STATUS).length);
  });

  it('names, for each code, an RfsError factory that produces that code', () => {
    for (const { code, factory } of rows) {
      const make = (RfsError as unknown as Record<string, Factory>)[factory];
      expect(typeof make).toBe('function');
      expect({ factory, code: make.call(RfsError, 'x', 'y').code }).toEqual({
        factory,
        code,
      });
    }
  });

  it('documents every static factory of RfsError', () => {
    const statics = Object.getOwnPropertyNames(RfsError).filter(
      (name) =>
        typeof (RfsError as unknown as Record<string, unknown>)[name] ===
        'function',
    );
    expect(rows.map((r) => r.factory).sort()).toEqual(statics.sort());
  });
});
