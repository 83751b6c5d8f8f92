import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validate } from './options';
import { toMarkdown, type SuiteReport } from './report';
import { formatNs, formatRate, median, quantile } from './stats';

describe('stats', () => {
  it('median and quantiles interpolate between sorted values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([1, 2], 0.75)).toBe(1.75);
    expect(() => median([])).toThrow(RangeError);
  });

  it('formats times and rates for tables', () => {
    expect(formatNs(8.274)).toBe('8.27 ns');
    expect(formatNs(812.4)).toBe('812 ns');
    expect(formatNs(12_345)).toBe('12.3 µs');
    expect(formatNs(4_560_000)).toBe('4.56 ms');
    expect(formatRate(19_234_000)).toBe('19.2 M');
    expect(formatRate(812_400)).toBe('812.4 k');
    expect(formatRate(950)).toBe('950');
  });
});

describe('validate', () => {
  const suite = {
    name: 'result',
    anchor: 'neverthrow',
    comparisons: { chain: { neverthrow: () => 1, mine: () => 1 } },
  };

  it('accepts a well-formed suite', () => {
    expect(() => validate(suite, 10, 100)).not.toThrow();
  });

  it('rejects a comparison without the anchor, naming its cases', () => {
    expect(() =>
      validate(
        { ...suite, comparisons: { chain: { mine: () => 1 } } },
        10,
        100,
      ),
    ).toThrow(
      'comparison "chain" has no case named after the anchor "neverthrow"; its cases are: mine',
    );
  });

  it('rejects a results name that is not kebab-case and bad round settings', () => {
    expect(() => validate({ ...suite, name: 'My Bench' }, 10, 100)).toThrow(
      /name "My Bench" must be kebab-case/,
    );
    expect(() => validate(suite, 0, 100)).toThrow(/rounds must be an integer/);
    expect(() => validate(suite, 10, 0)).toThrow(/timeMs must be > 0/);
    expect(() => validate({ ...suite, comparisons: {} }, 10, 100)).toThrow(
      /at least one comparison/,
    );
  });
});

describe('toMarkdown', () => {
  it('renders machine info, one table per comparison and the goals', () => {
    const report: SuiteReport = {
      name: 'result',
      title: 'Result chains',
      date: '2026-01-01T00:00:00.000Z',
      machine: {
        node: 'v20.0.0',
        v8: '11',
        cpu: 'Test CPU',
        cores: 2,
        platform: 'linux',
        memoryGb: 8,
        loadAverage: 0.5,
      },
      anchor: 'neverthrow',
      config: { rounds: 10, timeMs: 100, tool: 'tinybench 6' },
      comparisons: [
        {
          name: 'ok chain',
          cases: [
            {
              name: 'nestjs-rfs',
              batch: 1000,
              medianNs: 12.34,
              opsPerSecond: 81_037_277,
              ratio: 0.3,
              ratioP25: 0.28,
              ratioP75: 0.32,
              roundMediansNs: [12.34],
            },
            {
              name: 'neverthrow',
              batch: 500,
              medianNs: 41.1,
              opsPerSecond: 24_330_900,
              ratio: 1,
              ratioP25: 1,
              ratioP75: 1,
              roundMediansNs: [41.1],
            },
          ],
        },
      ],
      goals: [
        {
          comparison: 'ok chain',
          case: 'nestjs-rfs',
          maxRatio: 1,
          ratio: 0.3,
          met: true,
        },
      ],
    };
    const md = toMarkdown(report);
    expect(md).toContain('# Result chains');
    expect(md).toContain('Node v20.0.0 (V8 11) on Test CPU, 2 cores');
    expect(md).toContain('2026-01-01T00:00:00.000Z');
    expect(md).toContain(
      '| nestjs-rfs | 12.3 ns | 81.0 M | 0.30 | 0.28–0.32 | 1000 |',
    );
    expect(md).toContain('| neverthrow (anchor) | 41.1 ns |');
    expect(md).toContain('| ok chain | nestjs-rfs | ≤ 1.00 | 0.30 | yes |');
  });
});

describe('compare, run as bench/run.js runs a bench', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfs-bench-'));
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('measures every case against the anchor and writes json + markdown', () => {
    execFileSync(
      process.execPath,
      [
        '--require',
        path.join(__dirname, 'register.js'),
        path.join(__dirname, 'smoke.fixture.ts'),
        outDir,
      ],
      { timeout: 60_000, stdio: 'pipe' },
    );
    const report = JSON.parse(
      fs.readFileSync(path.join(outDir, 'harness-smoke.json'), 'utf8'),
    ) as SuiteReport;
    const cases = report.comparisons[0].cases;
    expect(cases.map((c) => c.name)).toEqual(['small', 'large', 'async']);
    const [small, large, asyncCase] = cases;
    expect(small.ratio).toBe(1);
    // 100× the work: even on a busy machine the ratio is far above 1.
    expect(large.ratio).toBeGreaterThan(5);
    expect(large.roundMediansNs).toHaveLength(2);
    expect(asyncCase.medianNs).toBeGreaterThan(0);
    expect(report.goals).toEqual([
      expect.objectContaining({ case: 'large', maxRatio: 1, met: false }),
    ]);
    expect(report.machine.node).toBe(process.version);
    const md = fs.readFileSync(path.join(outDir, 'harness-smoke.md'), 'utf8');
    expect(md).toBe(toMarkdown(report));
  });
});
