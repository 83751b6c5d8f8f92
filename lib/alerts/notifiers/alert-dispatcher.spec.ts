import {
  AlertDeliveryError,
  AlertDispatcher,
  type AlertEvent,
  type AlertNotifier,
} from 'nestjs-rfs';

const silent = { warn: jest.fn(), error: jest.fn() };

function ev(n: number): AlertEvent {
  return {
    id: `r:op${n}`,
    rule: 'r',
    operation: `op${n}`,
    severity: 'warning',
    status: 'firing',
    value: 1,
    threshold: 0,
    startsAt: '2026-01-01T00:00:00.000Z',
    evaluatedAt: `2026-01-01T00:00:0${n % 10}.000Z`,
    labels: {},
    annotations: {},
    sampleCorrelationIds: [],
    service: 's',
    instance: 'i',
  };
}

/** Fails the first `failures` calls, then records deliveries. */
class FlakyNotifier implements AlertNotifier {
  readonly name = 'flaky';
  calls = 0;
  delivered: string[] = [];
  constructor(
    private failures: number,
    readonly maxQueue?: number,
    private readonly error: Error = new Error('down'),
  ) {}
  async notify(events: AlertEvent[]): Promise<void> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw this.error;
    }
    this.delivered.push(...events.map((e) => e.operation));
  }
  close = jest.fn();
}

describe('AlertDispatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('retries with exponential backoff until delivered, counting failures', async () => {
    const n = new FlakyNotifier(3);
    const failures: string[] = [];
    const d = new AlertDispatcher([n], {
      logger: silent,
      retryBaseMs: 1000,
      random: () => 1, // no jitter: delays 1s, 2s, 4s
      onFailure: (name) => failures.push(name),
    });
    d.dispatch([ev(1)]);
    await jest.advanceTimersByTimeAsync(0);
    expect(n.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(n.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(n.calls).toBe(2);
    await jest.advanceTimersByTimeAsync(2000);
    expect(n.calls).toBe(3);
    await jest.advanceTimersByTimeAsync(3999);
    expect(n.delivered).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(n.delivered).toEqual(['op1']);
    expect(failures).toEqual(['flaky', 'flaky', 'flaky']);
    expect(d.pending()).toEqual({ flaky: 0 });
  });

  it('keeps order and drops the oldest events beyond maxQueue, counting them', async () => {
    const n = new FlakyNotifier(1, 3);
    const drops: number[] = [];
    const d = new AlertDispatcher([n], {
      logger: silent,
      random: () => 0,
      onDrop: (_name, k) => drops.push(k),
    });
    d.dispatch([ev(1)]); // in flight, fails
    await jest.advanceTimersByTimeAsync(0);
    for (let i = 2; i <= 6; i++) d.dispatch([ev(i)]);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(3); // 6 queued, bound 3
    await jest.advanceTimersByTimeAsync(60_000);
    expect(n.delivered).toEqual(['op1', 'op5', 'op6']);
  });

  it('drops a batch a notifier rejects permanently and goes on', async () => {
    const n = new FlakyNotifier(
      1,
      undefined,
      new AlertDeliveryError('400', false),
    );
    const drops: number[] = [];
    const d = new AlertDispatcher([n], {
      logger: silent,
      onDrop: (_n, k) => drops.push(k),
    });
    d.dispatch([ev(1), ev(2)]);
    d.dispatch([ev(3)]);
    await jest.advanceTimersByTimeAsync(0);
    expect(drops).toEqual([2]);
    expect(n.delivered).toEqual(['op3']);
  });

  it('dispatch returns at once even when a notifier hangs; close gives up at the deadline', async () => {
    const hanging: AlertNotifier = {
      name: 'hang',
      notify: () => new Promise<void>(() => undefined),
      close: jest.fn(),
    };
    const fast = new FlakyNotifier(0);
    const drops: string[] = [];
    const d = new AlertDispatcher([hanging, fast], {
      logger: silent,
      onDrop: (name) => drops.push(name),
    });
    d.dispatch([ev(1)]);
    await jest.advanceTimersByTimeAsync(0);
    expect(fast.delivered).toEqual(['op1']); // not blocked by the hanging notifier
    const closed = d.close(500);
    await jest.advanceTimersByTimeAsync(500);
    await closed;
    expect(drops).toEqual(['hang']);
    expect(hanging.close).toHaveBeenCalled();
    expect(fast.close).toHaveBeenCalled();
    d.dispatch([ev(2)]); // after close: ignored
    expect(fast.delivered).toEqual(['op1']);
  });

  it('flush retries at once instead of waiting for the backoff', async () => {
    const n = new FlakyNotifier(2);
    const d = new AlertDispatcher([n], { logger: silent, retryBaseMs: 60_000 });
    d.dispatch([ev(1)]);
    await jest.advanceTimersByTimeAsync(0);
    const flushed = d.flush(1000);
    await jest.advanceTimersByTimeAsync(200);
    await expect(flushed).resolves.toBe(true);
    expect(n.delivered).toEqual(['op1']);
  });
});
