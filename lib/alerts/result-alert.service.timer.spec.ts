// The evaluation timer, shutdown flushing and the disabled service.
import { Registry } from 'prom-client';
import { type AlertNotifier, ResultAlertService } from 'nestjs-rfs';
import {
  errorRule,
  setupAlertService,
} from '../../test/support/alert-service.fixtures';

describe('ResultAlertService timer', () => {
  afterEach(() => jest.useRealTimers());

  it("evaluates every evaluationInterval on an unref'd timer until shutdown", async () => {
    jest.useFakeTimers();
    const { service, source } = setupAlertService([], {
      evaluationInterval: '10s',
    });
    const spy = jest.spyOn(source, 'getOperations');
    service.onApplicationBootstrap();
    jest.advanceTimersByTime(35_000);
    expect(spy).toHaveBeenCalledTimes(3);
    service.beforeApplicationShutdown();
    await service.onApplicationShutdown();
    jest.advanceTimersByTime(60_000);
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('spreads a large timer evaluation over event-loop turns, with the same result', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    const { service, source } = setupAlertService(
      [{ ...errorRule, for: undefined, operation: '*' }],
      { evaluationInterval: '10s' },
    );
    for (let i = 0; i < 250; i++) source.many(10, `op.${i}`, 'err');
    const seen: string[] = [];
    service.onAlert((e) => seen.push(e.operation));
    const metrics = jest.spyOn(source, 'getOperationMetrics');
    service.start();
    jest.advanceTimersByTime(10_000); // the interval fires; only the first slice runs
    expect(metrics).toHaveBeenCalledTimes(100);
    expect(seen).toEqual([]); // events are published when the evaluation completes
    await new Promise((r) => setImmediate(r)); // the next slice ran in between
    expect(metrics).toHaveBeenCalledTimes(200);
    service.stop(); // finishes the evaluation in progress: no event is lost
    expect(metrics).toHaveBeenCalledTimes(250);
    expect(seen).toHaveLength(250);
    expect(service.getActiveAlerts()).toHaveLength(250);
  });

  it('shutdown delivers pending notifications within shutdownFlushMs, then counts the rest as dropped', async () => {
    jest.useFakeTimers();
    let fail = 2;
    const delivered: string[] = [];
    const flaky: AlertNotifier = {
      name: 'flaky',
      notify: async (events) => {
        if (fail-- > 0) throw new Error('down');
        delivered.push(...events.map((e) => e.status));
      },
    };
    const hanging: AlertNotifier = {
      name: 'hanging',
      notify: () => new Promise<void>(() => undefined),
    };
    const { source, service, registry } = setupAlertService(
      [{ ...errorRule, for: undefined }],
      {
        notifiers: [flaky, hanging],
        shutdownFlushMs: 1000,
        retryBaseMs: 60_000, // without the flush, the next retry would be a minute away
      },
    );
    source.many(10, 'orders.create', 'err');
    service.evaluate();
    await jest.advanceTimersByTimeAsync(0); // first attempt fails
    const done = service.shutdown();
    await jest.advanceTimersByTimeAsync(1000);
    await done;
    expect(delivered).toEqual(['firing']);
    const m = async (name: string) =>
      (await registry.getSingleMetric(name)!.get()).values;
    expect(await m('rfs_alert_notifications_failed_total')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { notifier: 'flaky' }, value: 2 }),
      ]),
    );
    expect(await m('rfs_alert_notifications_dropped_total')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { notifier: 'hanging' }, value: 1 }),
      ]),
    );
  });

  it('does nothing when disabled (alerts: false)', () => {
    jest.useFakeTimers();
    const service = new ResultAlertService({
      disabled: true,
      options: { defaultRules: false },
      registry: new Registry(),
    });
    const spy = jest.spyOn(service, 'evaluate');
    service.onApplicationBootstrap();
    jest.advanceTimersByTime(60_000);
    expect(spy).not.toHaveBeenCalled();
  });
});
