import { err, ok, RfsError } from 'nestjs-rfs';
import { MonoResult } from '../result/mono-result';
import { FluxResult } from '../result/flux-result';
import {
  RfsAssertionError,
  ResultServiceMocker,
  ResultTestDataFactory,
  assertFluxAllSuccess,
  assertFluxAnyFailure,
  assertFluxFailureCount,
  assertFluxSuccessCount,
  assertFluxSuccessRate,
  assertFluxSuccessValues,
  assertFluxTotalCount,
  assertMonoResultError,
  assertMonoResultFailure,
  assertMonoResultSuccess,
  assertMonoResultTimeout,
  assertMonoResultValue,
  summarizeFlux,
} from 'nestjs-rfs/testing';

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RfsAssertionError);
    return (e as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

const notFound = RfsError.notFound('user', '3');

describe('MonoResult assertions', () => {
  it('assertMonoResultSuccess returns the value; fails showing the error', async () => {
    expect(await assertMonoResultSuccess(MonoResult.ok(5))).toBe(5);
    const m = await failure(assertMonoResultSuccess(MonoResult.err(notFound)));
    expect(m).toContain('Expected an Ok result, but got an Err.');
    expect(m).toContain('user 3 not found');
  });

  it('accepts promises of Results, and reports defects as such', async () => {
    expect(await assertMonoResultSuccess(Promise.resolve(ok('p')))).toBe('p');
    const m = await failure(
      assertMonoResultSuccess(
        MonoResult.defer(() => {
          throw new TypeError('bug');
        }),
      ),
    );
    expect(m).toContain(
      'assertMonoResultSuccess: expected the MonoResult to yield a Result, but its run rejected (a defect).',
    );
    expect(m).toContain('TypeError: bug');
  });

  it('assertMonoResultFailure returns the error; fails showing the value', async () => {
    const e = await assertMonoResultFailure(MonoResult.err(notFound), RfsError);
    expect(e.code).toBe('NOT_FOUND');
    const m = await failure(assertMonoResultFailure(MonoResult.ok({ id: 9 })));
    expect(m).toContain('Expected an Err result, but got an Ok.');
    expect(m).toContain('{ id: 9 }');
  });

  it('assertMonoResultValue compares deeply with a diff', async () => {
    await assertMonoResultValue(MonoResult.ok([1, 2]), [1, 2]);
    const m = await failure(
      assertMonoResultValue(MonoResult.ok([1, 2]), [1, 3]),
    );
    expect(m).toContain('Expected the Ok value to equal the expected value.');
    expect(m).toMatch(/\+ +2/);
    expect(m).toMatch(/- +3/);
  });

  it('assertMonoResultError matches a code or a partial', async () => {
    await assertMonoResultError(MonoResult.err(notFound), 'NOT_FOUND');
    await assertMonoResultError(MonoResult.err(notFound), { status: 404 });
    const m = await failure(
      assertMonoResultError(MonoResult.err(notFound), 'CONFLICT'),
    );
    expect(m).toContain(
      "Expected the error code to be 'CONFLICT', but it is 'NOT_FOUND'.",
    );
  });

  describe('assertMonoResultTimeout (fake timers)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    const slow = () =>
      new ResultServiceMocker(
        class {
          load(): MonoResult<string, RfsError> {
            return MonoResult.ok('x');
          }
        },
      )
        .returnsMonoOk('load', 'late', { delayMs: 1_000 })
        .instance.load();

    it('passes when the mono times out at the expected time', async () => {
      const check = assertMonoResultTimeout(slow().timeout(100), 100);
      await jest.advanceTimersByTimeAsync(100);
      await check;
    });

    it('fails when the timeout comes at another time', async () => {
      const check = failure(
        assertMonoResultTimeout(slow().timeout(300), 100, 10),
      );
      await jest.advanceTimersByTimeAsync(300);
      expect(await check).toBe(
        'Expected the MonoResult to time out after 100 ms (±10%: 90–110 ms), but it timed out after 300 ms.',
      );
    });

    it('fails when the mono does not time out, showing the value', async () => {
      const check = failure(
        assertMonoResultTimeout(MonoResult.ok('fast').timeout(100), 100),
      );
      await jest.advanceTimersByTimeAsync(100);
      const m = await check;
      expect(m).toContain(
        "Expected the MonoResult to time out (an Err with code 'TIMEOUT_ERROR') after 100 ms, but it yielded an Ok after 0 ms.",
      );
      expect(m).toContain("'fast'");
    });
  });
});

describe('FluxResult assertions', () => {
  const mixed = () =>
    FluxResult.fromResults([ok(1), err(notFound), ok(3), ok(4)]);

  it('counts: pass on the right numbers', async () => {
    await assertFluxSuccessCount(mixed(), 3);
    await assertFluxFailureCount(mixed(), 1);
    await assertFluxTotalCount(mixed(), 4);
    await assertFluxTotalCount([ok(1)], 1); // plain iterables work too
  });

  it('counts: fail showing the counts and the errors', async () => {
    const m = await failure(assertFluxSuccessCount(mixed(), 4));
    expect(m).toContain(
      'Expected 4 Ok item(s), but the stream emitted 3 Ok and 1 Err of 4 item(s).',
    );
    expect(m).toContain('user 3 not found');
    expect(await failure(assertFluxFailureCount(mixed(), 0))).toContain(
      'Expected 0 Err item(s), but the stream emitted 3 Ok and 1 Err of 4 item(s).',
    );
    expect(await failure(assertFluxTotalCount(mixed(), 5))).toContain(
      'Expected 5 item(s), but the stream emitted 3 Ok and 1 Err of 4 item(s).',
    );
  });

  it('assertFluxSuccessRate: within tolerance passes, outside fails', async () => {
    await assertFluxSuccessRate(mixed(), 0.75);
    await assertFluxSuccessRate(mixed(), 0.8, 0.05);
    await assertFluxSuccessRate(FluxResult.empty(), 1);
    const m = await failure(assertFluxSuccessRate(mixed(), 0.9, 0.1));
    expect(m).toContain(
      'Expected a success rate of 0.9 ± 0.1, but it is 0.75 (3 Ok and 1 Err of 4 item(s)).',
    );
  });

  it('assertFluxSuccessRate on seeded data', async () => {
    const data = new ResultTestDataFactory({ seed: 4 });
    await assertFluxSuccessRate(
      data.mixedFlux({ total: 200, successRate: 0.9 }),
      0.9,
    );
  });

  it('assertFluxSuccessValues: in order, with a diff', async () => {
    await assertFluxSuccessValues(mixed(), [1, 3, 4]);
    const m = await failure(assertFluxSuccessValues(mixed(), [1, 4, 3]));
    expect(m).toContain('Expected the Ok values of the stream to equal:');
    expect(m).toContain('Difference (- expected, + actual)');
    expect(m).toContain('user 3 not found');
  });

  it('assertFluxAllSuccess / assertFluxAnyFailure', async () => {
    await assertFluxAllSuccess(FluxResult.ok(1, 2));
    await assertFluxAnyFailure(mixed());
    expect(await failure(assertFluxAllSuccess(mixed()))).toContain(
      'Expected every item to be Ok, but the stream emitted 3 Ok and 1 Err of 4 item(s).',
    );
    expect(await failure(assertFluxAnyFailure(FluxResult.ok(1, 2)))).toContain(
      'Expected at least one Err item, but the stream emitted 2 Ok and 0 Err of 2 item(s).',
    );
  });

  it('a stream that errors is reported as a defect', async () => {
    const broken = FluxResult.ok(1, 2).map((n) => {
      if (n === 2) throw new RangeError('bad item');
      return n;
    });
    const m = await failure(assertFluxTotalCount(broken, 2));
    expect(m).toContain(
      'assertFluxTotalCount: expected the FluxResult to complete, but it failed (a defect).',
    );
    expect(m).toContain('RangeError: bad item');
  });

  it('summarizeFlux counts once', async () => {
    const s = await summarizeFlux(mixed());
    expect(s).toMatchObject({ total: 4, ok: 3, err: 1, successRate: 0.75 });
    expect(s.values).toEqual([1, 3, 4]);
  });

  it('the mocker returns FluxResults for flux methods', async () => {
    class Importer {
      importAll(): FluxResult<number, RfsError> {
        return FluxResult.empty();
      }
    }
    const m = new ResultServiceMocker(Importer).returnsFlux('importAll', [
      ok(1),
      err(notFound),
    ]);
    const flux = m.instance.importAll();
    expect(flux).toBeInstanceOf(FluxResult);
    await assertFluxSuccessValues(flux, [1]);
    await assertFluxFailureCount(flux, 1); // cold: replays
  });
});
