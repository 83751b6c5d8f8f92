import { Subject, throwError } from 'rxjs';
import { err, ok, Ok, Result } from './result';
import { FluxResult } from './flux-result';
import { MonoResult } from './mono-result';
import { RfsError } from './rfs.error';
import { ErrorCode } from './error-code';

// FluxResult terminals (MonoResults): collect, collectAll, partition, stats, first, toArray.

const boom = new Error('boom');

afterEach(() => new Promise((r) => setImmediate(r)));

describe('FluxResult terminals', () => {
  it('are lazy MonoResults: nothing subscribes before run', async () => {
    const subject = new Subject<Result<number, never>>();
    const collected = FluxResult.fromResults(subject).collect();
    expect(subject.observed).toBe(false);
    const p = collected.run();
    expect(subject.observed).toBe(true);
    subject.next(ok(1));
    subject.complete();
    expect(await p).toEqual(ok([1]));
  });

  it('collect is fail-fast and unsubscribes upstream at the first Err', async () => {
    const subject = new Subject<Result<number, string>>();
    const p = FluxResult.fromResults(subject).collect().run();
    subject.next(ok(1));
    subject.next(err('first'));
    expect(subject.observed).toBe(false);
    expect(await p).toEqual(err('first'));
  });

  it('collect stops an infinite synchronous source at the first Err', async () => {
    function* forever() {
      for (let i = 0; ; i++) yield i === 2 ? err(`bad ${i}`) : ok(i);
    }
    expect(await FluxResult.fromResults(forever()).collect()).toEqual(
      err('bad 2'),
    );
  });

  it('collect aborts MonoResults still in flight when it fails fast', async () => {
    const aborted: number[] = [];
    const r = await FluxResult.ok(1, 2, 3)
      .flatMap((n) =>
        n === 1
          ? MonoResult.err('no')
          : MonoResult.fromPromise(
              (signal) =>
                new Promise<number>((_, reject) =>
                  signal.addEventListener('abort', () => {
                    aborted.push(n);
                    reject(signal.reason);
                  }),
                ),
              String,
            ),
      )
      .collect();
    expect(r).toEqual(err('no'));
    expect(aborted.sort()).toEqual([2, 3]);
  });

  it('collectAll gathers every error; partition splits', async () => {
    const flux = FluxResult.fromResults<number, string>([
      ok(1),
      err('a'),
      ok(2),
      err('b'),
    ]);
    expect(await flux.collectAll()).toEqual(err(['a', 'b']));
    expect(await FluxResult.ok(1, 2).collectAll()).toEqual(ok([1, 2]));
    expect(await flux.partition()).toEqual(
      ok({ oks: [1, 2], errs: ['a', 'b'] }),
    );
  });

  it('stats counts items; an empty stream is all-ok with successRate 1', async () => {
    const flux = FluxResult.fromResults<number, string>([
      ok(1),
      err('a'),
      ok(2),
      ok(3),
    ]);
    expect(await flux.stats()).toEqual(
      ok({ total: 4, ok: 3, err: 1, successRate: 0.75, isAllOk: false }),
    );
    expect(await FluxResult.empty().stats()).toEqual(
      ok({ total: 0, ok: 0, err: 0, successRate: 1, isAllOk: true }),
    );
  });

  it('first gives the first item, or a NOT_FOUND RfsError / emptyErr() on empty', async () => {
    expect(await FluxResult.ok(5, 6).first()).toEqual(ok(5));
    const empty = await FluxResult.empty<number>().first();
    expect(empty.isErr() && empty.error).toBeInstanceOf(RfsError);
    expect((empty as { error: RfsError }).error.code).toBe(ErrorCode.NOT_FOUND);
    expect(await FluxResult.empty<number>().first(() => 'none')).toEqual(
      err('none'),
    );
  });

  it('an error notification is a defect: the terminal run rejects', async () => {
    const flux = FluxResult.from(throwError(() => boom));
    for (const t of [
      flux.collect(),
      flux.collectAll(),
      flux.stats(),
      flux.toArray(),
    ]) {
      await expect(t.run()).rejects.toBe(boom);
    }
  });

  it('aborting a terminal run unsubscribes and rejects with the reason', async () => {
    const subject = new Subject<Result<number, never>>();
    const ac = new AbortController();
    const p = FluxResult.fromResults(subject).collectAll().run(ac.signal);
    expect(subject.observed).toBe(true);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(subject.observed).toBe(false);
  });

  it('terminal results are Ok instances (usable with the Result API)', async () => {
    expect(await FluxResult.ok(1).collect()).toBeInstanceOf(Ok);
  });
});
