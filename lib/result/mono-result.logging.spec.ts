import { err, ok, type Result } from './result';
import { MonoResult } from './mono-result';
import { FluxResult } from './flux-result';
import { setResultLogSink, type ResultLogRecord } from './result-log-sink';

let records: ResultLogRecord[];

beforeEach(() => {
  records = [];
  setResultLogSink({ log: (r) => records.push(r) });
  jest.useFakeTimers({ now: 0 });
});
afterEach(() => {
  jest.useRealTimers();
  setResultLogSink(undefined);
});

/** A mono that takes `ms` of (fake) time and yields `result`. */
const after = <T, E>(ms: number, result: Result<T, E>): MonoResult<T, E> =>
  MonoResult.fromAsync(
    () => new Promise<Result<T, E>>((r) => setTimeout(() => r(result), ms)),
  );

async function settle<T>(p: Promise<T>): Promise<T> {
  await jest.advanceTimersByTimeAsync(10_000);
  return p;
}

/** Like `settle` for a run that must reject: the handler is attached before time moves. */
async function settleRejects(
  p: Promise<unknown>,
  reason: unknown,
): Promise<void> {
  const assertion = expect(p).rejects.toBe(reason);
  await jest.advanceTimersByTimeAsync(10_000);
  await assertion;
}

describe('MonoResult.logStep', () => {
  it('measures each step from the end of the previous one, not cumulatively', async () => {
    const m = after(100, ok(1))
      .logStep('load', { level: 'debug' })
      .flatMap((n) => after(50, ok(n + 1)))
      .logStep('enrich')
      .map((n) => n * 2)
      .logStep('shape');
    expect(await settle(m.run())).toEqual(ok(4));
    expect(records).toEqual([
      {
        kind: 'step',
        name: 'load',
        outcome: 'ok',
        durationMs: 100,
        level: 'debug',
      },
      { kind: 'step', name: 'enrich', outcome: 'ok', durationMs: 50 },
      { kind: 'step', name: 'shape', outcome: 'ok', durationMs: 0 },
    ]);
  });

  it('records Err and defect outcomes with their error; the defect still rejects', async () => {
    const bug = new Error('bug');
    await settle(after(10, err('nope')).logStep('a').run());
    await settleRejects(
      after(20, ok(1))
        .map(() => {
          throw bug;
        })
        .logStep('b')
        .run(),
      bug,
    );
    expect(records).toEqual([
      {
        kind: 'step',
        name: 'a',
        outcome: 'err',
        durationMs: 10,
        error: 'nope',
      },
      {
        kind: 'step',
        name: 'b',
        outcome: 'defect',
        durationMs: 20,
        error: bug,
      },
    ]);
  });

  it('timing is per run: two runs of the same mono each start at zero', async () => {
    const m = after(30, ok(1)).logStep('s');
    await settle(m.run());
    await settle(m.run());
    expect(records.map((r) => r.durationMs)).toEqual([30, 30]);
  });

  it('a step inside a retried source logs every attempt', async () => {
    let n = 0;
    const m = MonoResult.fromAsync(async (): Promise<Result<number, string>> =>
      ++n < 3 ? err('again') : ok(n),
    )
      .logStep('attempt')
      .retry({ times: 5, delayMs: 10 });
    expect(await settle(m.run())).toEqual(ok(3));
    expect(records.map((r) => [r.outcome, r.durationMs])).toEqual([
      ['err', 0],
      ['err', 10],
      ['ok', 10],
    ]);
  });

  it('concurrent items of all() each measure their steps from the same mark', async () => {
    const m = after(10, ok(0))
      .logStep('before')
      .flatMap(() =>
        MonoResult.all([
          after(30, ok(1)).logStep('a'),
          after(50, ok(2)).logStep('b'),
        ]),
      )
      .logStep('after');
    expect(await settle(m.run())).toEqual(ok([1, 2]));
    expect(records.map((r) => [r.name, r.durationMs])).toEqual([
      ['before', 10],
      ['a', 30],
      ['b', 50],
      ['after', 50],
    ]);
  });

  it('does not log a cancellation', async () => {
    const ac = new AbortController();
    const p = after(100, ok(1))
      .timeout(1_000)
      .logStep('s')
      .logError()
      .run(ac.signal);
    await jest.advanceTimersByTimeAsync(10);
    ac.abort('stop');
    await expect(p).rejects.toBe('stop');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(records).toEqual([]);
  });
});

describe('MonoResult.logError', () => {
  it('logs Err and defects (which still reject), never Ok', async () => {
    const bug = new Error('bug');
    await settle(after(5, ok(1)).logError('ignored').run());
    await settle(after(5, err('nope')).logError({ orderId: 7 }).run());
    await settleRejects(
      MonoResult.fromAsync(() => Promise.reject(bug))
        .logError('loadOrder')
        .run(),
      bug,
    );
    expect(records).toEqual([
      {
        kind: 'error',
        outcome: 'err',
        durationMs: 5,
        error: 'nope',
        context: { orderId: 7 },
      },
      {
        kind: 'error',
        name: 'loadOrder',
        outcome: 'defect',
        durationMs: 0,
        error: bug,
        context: 'loadOrder',
      },
    ]);
  });
});

describe('MonoResult.logPerformance', () => {
  it('records the total duration of the run so far and flags slow runs', async () => {
    const m = (ms: number) =>
      after(ms, ok(1))
        .logStep('first')
        .flatMap(() => after(ms, ok(2)))
        .logPerformance('op', { slowMs: 150 });
    await settle(m(50).run());
    await settle(m(100).run());
    await settle(after(5, err('e')).logPerformance('plain').run());
    const perf = records.filter((r) => r.kind === 'performance');
    expect(perf).toEqual([
      {
        kind: 'performance',
        name: 'op',
        outcome: 'ok',
        durationMs: 100,
        slow: false,
      },
      {
        kind: 'performance',
        name: 'op',
        outcome: 'ok',
        durationMs: 200,
        slow: true,
        level: 'warn',
      },
      {
        kind: 'performance',
        name: 'plain',
        outcome: 'err',
        durationMs: 5,
        error: 'e',
      },
    ]);
  });
});

describe('log methods survive every operator', () => {
  it('records written inside a chain that goes through every operator', async () => {
    const m = after(10, ok(1))
      .logStep('source')
      .map((n) => n + 1)
      .mapErr((e) => e)
      .flatMap((n) => ok(n))
      .recover(() => 0)
      .tap(() => undefined)
      .tapErr(() => undefined)
      .filter(
        () => true,
        () => 'filtered',
      )
      .zip(MonoResult.ok('b'))
      .timeout(1_000)
      .retry({ times: 1 })
      .cache({ ttlMs: 1 })
      .finally(() => undefined)
      .logStep('end')
      .logError()
      .logPerformance('all');
    expect(await settle(m.run())).toEqual(ok([2, 'b']));
    expect(records.map((r) => `${r.kind}:${r.name}`)).toEqual([
      'step:source',
      'step:end',
      'performance:all',
    ]);
  });

  it('a throwing sink never reaches business code', async () => {
    setResultLogSink({
      log: () => {
        throw new Error('sink down');
      },
    });
    expect(
      await settle(after(1, ok(1)).logStep('s').logPerformance('p').run()),
    ).toEqual(ok(1));
  });
});

describe('FluxResult.logResults', () => {
  it('writes one record on completion with the ok/err counts', async () => {
    const flux = FluxResult.fromResults<number, string>([
      ok(1),
      err('a'),
      ok(2),
    ])
      .logResults('import')
      .map((n) => n * 2);
    expect(await flux.stats()).toEqual(
      ok({ total: 3, ok: 2, err: 1, successRate: 2 / 3, isAllOk: false }),
    );
    expect(records).toEqual([
      {
        kind: 'flux',
        name: 'import',
        outcome: 'err',
        durationMs: 0,
        flux: { ok: 2, err: 1 },
      },
    ]);
  });

  it('outcome ok for an all-ok (or empty) stream, defect on an error notification', async () => {
    const bug = new Error('bug');
    await FluxResult.ok(1, 2).logResults('a').collect();
    await FluxResult.empty().logResults('b').collect();
    await expect(
      FluxResult.ok(1)
        .map(() => {
          throw bug;
        })
        .logResults('c')
        .collect()
        .run(),
    ).rejects.toBe(bug);
    expect(records.map((r) => [r.name, r.outcome, r.flux, r.error])).toEqual([
      ['a', 'ok', { ok: 2, err: 0 }, undefined],
      ['b', 'ok', { ok: 0, err: 0 }, undefined],
      ['c', 'defect', { ok: 0, err: 0 }, bug],
    ]);
  });

  it('one record per subscription, also when the consumer stops early', async () => {
    const flux = FluxResult.ok(1, 2, 3, 4).logResults('early');
    await flux.take(2).collect();
    await flux.collect();
    expect(records.map((r) => r.flux)).toEqual([
      { ok: 2, err: 0 },
      { ok: 4, err: 0 },
    ]);
  });

  it('survives FluxResult operators', async () => {
    const r = await FluxResult.ok(1, 2, 3)
      .logResults('src')
      .filter((n) => n > 1)
      .flatMap((n) => MonoResult.ok(n))
      .tapOk(() => undefined)
      .collectAll();
    expect(r).toEqual(ok([2, 3]));
    expect(records).toHaveLength(1);
    expect(records[0].flux).toEqual({ ok: 3, err: 0 });
  });
});
