import { RfsModuleOptions, resolveRfsOptions } from './rfs.options';
import { readmeSection } from '../test/support/readme-sections';

/** How the README writes a default value. */
function formatDefault(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return `[${value.map(formatDefault).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([k, v]) => `${k}: ${formatDefault(v)}`).join(', ')} }`;
  }
  return String(value);
}

interface Row {
  readonly path: string;
  readonly defaultCell: string;
}

function readmeRows(): Row[] {
  const rows: Row[] = [];
  for (const line of readmeSection('module').split('\n')) {
    const m = /^\|\s*`([A-Za-z.]+)`\s*\|\s*(.*?)\s*\|.*\|\s*$/.exec(line);
    if (m) rows.push({ path: m[1], defaultCell: m[2].replace(/`/g, '') });
  }
  return rows;
}

const ENV_DERIVED: Record<string, string[]> = {
  serviceName: ['npm_package_name', "'app'"],
  environment: ['NODE_ENV', "'development'"],
};

/** Every option path with its default, from the option classes. */
function defaultsByPath(): Map<string, unknown> {
  const { serviceName, environment, ...sections } = new RfsModuleOptions();
  const out = new Map<string, unknown>([
    ['serviceName', serviceName],
    ['environment', environment],
  ]);
  for (const [s, section] of Object.entries(sections)) {
    if (section === false) throw new Error(`${s} defaults to false`);
    for (const [k, v] of Object.entries(section)) out.set(`${s}.${k}`, v);
  }
  return out;
}

describe('README options table (section "module")', () => {
  const rows = readmeRows();
  const byPath = new Map(rows.map((r) => [r.path, r]));
  const defaults = defaultsByPath();

  it('has one row per option path', () => {
    expect(rows.length).toBe(byPath.size);
    // On failure, the message lists README rows to add (fill in the description).
    const missing = [...defaults]
      .filter(([p]) => !byPath.has(p))
      .map(([p, v]) => {
        const d = formatDefault(v);
        return `| \`${p}\` | ${d === '—' ? d : `\`${d}\``} | … |`;
      });
    expect(missing).toEqual([]);
  });

  it('shows the default of every option class field', () => {
    const wrong = [...defaults]
      .filter(([path]) => !(path in ENV_DERIVED))
      .filter(([path, v]) => byPath.get(path)?.defaultCell !== formatDefault(v))
      .map(
        ([path, v]) =>
          `${path}: README says ${byPath.get(path)?.defaultCell}, code says ${formatDefault(v)}`,
      );
    expect(wrong).toEqual([]);
    for (const [path, words] of Object.entries(ENV_DERIVED)) {
      for (const w of words) expect(byPath.get(path)?.defaultCell).toContain(w);
    }
  });

  it('documents only options the validator accepts (optional ones default to —)', () => {
    for (const { path, defaultCell } of rows) {
      const [section, key] = path.split('.');
      if (key === undefined) {
        expect(() => resolveRfsOptions({ [section]: undefined })).not.toThrow();
        continue;
      }
      expect(() =>
        resolveRfsOptions({ [section]: { [key]: undefined } }),
      ).not.toThrow();
      if (!defaults.has(path)) expect(defaultCell).toBe('—');
    }
  });
});
