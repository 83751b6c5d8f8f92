import { err, ok } from '../result/result';
import { RfsError } from '../result/rfs.error';
import { BatchCollector } from './flux-batch';
import { FluxResponseOptions } from './flux-response.decorator';
import { ProblemDetailsFactory } from './problem-details';

const problems = new ProblemDetailsFactory({ environment: 'production' });

function collect(
  items: unknown[],
  options: Partial<FluxResponseOptions> = {},
): BatchCollector {
  const done = { batchDone: jest.fn(), error: jest.fn() };
  const c = new BatchCollector(
    { ...new FluxResponseOptions(), ...options },
    problems,
    done,
  );
  items.forEach((i) => c.next(i));
  c.complete();
  expect(done.batchDone).toHaveBeenCalledWith(c);
  return c;
}

describe('BatchCollector', () => {
  const nf = err(RfsError.notFound('x', 1));
  const db = err(RfsError.database('insert', 'secret'));

  it.each([
    ['empty', [], {}, 200],
    ['all ok', [ok(1), ok(2)], {}, 200],
    ['route status kept when all ok', [ok(1)], {}, 201, 201],
    ['partial', [ok(1), nf], {}, 207],
    [
      'partial, partialSuccess false',
      [ok(1), nf],
      { partialSuccess: false },
      404,
    ],
    ['all failed', [db, nf], {}, 500],
  ] as Array<
    [string, unknown[], Partial<FluxResponseOptions>, number, number?]
  >)('%s', (_name, items, options, expected, routeStatus = 200) => {
    expect(collect(items, options).status(routeStatus)).toBe(expected);
  });

  it('builds the envelope with indexed, redacted errors and exact counts', () => {
    const c = collect([ok('a'), db, ok('b'), nf], { maxErrors: 1 });
    const body = c.envelope(12.34567);
    expect(body).toEqual({
      success: false,
      summary: {
        total: 4,
        successful: 2,
        failed: 2,
        successRate: 0.5,
        processingTimeMs: 12.346,
      },
      results: ['a', 'b'],
      errors: [
        expect.objectContaining({
          index: 1,
          status: 500,
          code: 'DATABASE_ERROR',
        }),
      ],
    });
    expect(JSON.stringify(body)).not.toContain('secret');
    // the first error's status is known even when errors are not kept
    expect(collect([nf], { includeErrors: false }).status(200)).toBe(404);
    expect(
      collect([nf], { includeErrors: false }).envelope(0).errors,
    ).toBeUndefined();
  });

  it('treats a non-Result item as an Ok value', () => {
    expect(collect([1, ok(2)]).envelope(0).results).toEqual([1, 2]);
  });
});
