// @LogResultOperation on a method returning a MonoResult, run under a lazy request signal (the
// HTTP request's): the decorator's wrapper keeps the run lazy, and still reports every run.
import 'reflect-metadata';
import type { OperationEvent } from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import { MonoResult, runWithAbortSignal } from '../result/mono-result';
import type { LazyAbortSignal } from '../result/mono-result.ambient-signal';
import { ok } from '../result/result';
import { LogResultOperation } from './log-result-operation.decorator';

/** A LazyAbortSignal like the HTTP request's: no AbortController until `signal()`. */
function lazySource() {
  const reason = new Error('client gone');
  const state = { created: 0, ac: undefined as AbortController | undefined };
  const lazy: LazyAbortSignal = {
    get aborted() {
      return state.ac?.signal.aborted ?? false;
    },
    signal() {
      if (state.ac === undefined) {
        state.created++;
        state.ac = new AbortController();
      }
      return state.ac.signal;
    },
  };
  return { lazy, state, reason };
}

class Orders {
  @LogResultOperation('orders.find')
  find(id: number): MonoResult<number, string> {
    return MonoResult.fromPromise(
      () => Promise.resolve(id * 2),
      () => 'lookup failed',
    ).map((n) => n + 1);
  }

  @LogResultOperation('orders.fetch')
  fetch(): MonoResult<number, string> {
    // declares the signal: the run creates it
    return MonoResult.fromAsync(
      (signal: AbortSignal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
    );
  }
}

function setup() {
  const hub = new OperationHub();
  const events: OperationEvent[] = [];
  hub.addListener({ onOperation: (e) => void events.push(e) });
  OperationHub.setCurrent(hub);
  return events;
}

afterEach(() => OperationHub.setCurrent(undefined));

describe('@LogResultOperation returning a MonoResult under a lazy signal', () => {
  it('creates no signal when no step needs one, and reports each run once', async () => {
    const events = setup();
    const { lazy, state } = lazySource();
    const mono = new Orders().find(20);
    expect(await runWithAbortSignal(lazy, () => mono.run())).toEqual(ok(41));
    // adopted as a thenable, the way Nest awaits a returned mono
    expect(await runWithAbortSignal(lazy, async () => await mono)).toEqual(
      ok(41),
    );
    expect(state.created).toBe(0);
    expect(events.map((e) => [e.operation, e.outcome])).toEqual([
      ['orders.find', 'ok'],
      ['orders.find', 'ok'],
    ]);
  });

  it('passes the signal to a thunk that declares it; an abort rejects the run and logs nothing', async () => {
    const events = setup();
    const { lazy, state } = lazySource();
    const run = runWithAbortSignal(lazy, () => new Orders().fetch().run());
    await new Promise((r) => setImmediate(r));
    expect(state.created).toBe(1);
    const reason = new Error('client gone');
    state.ac!.abort(reason);
    await expect(run).rejects.toBe(reason);
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([]);
  });
});
