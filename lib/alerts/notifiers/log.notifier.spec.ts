import { type AlertEvent, LogAlertNotifier } from 'nestjs-rfs';

function ev(
  severity: AlertEvent['severity'],
  status: AlertEvent['status'],
): AlertEvent {
  return {
    id: `r:${severity}`,
    rule: 'r',
    operation: 'op',
    severity,
    status,
    value: 0.123456,
    threshold: 0.05,
    startsAt: '2026-01-01T00:00:00.000Z',
    evaluatedAt: '2026-01-01T00:00:00.000Z',
    labels: {},
    annotations: { summary: 'bad' },
    sampleCorrelationIds: ['c1'],
    service: 's',
    instance: 'i',
  };
}

describe('LogAlertNotifier', () => {
  it('logs firing alerts at a level chosen by severity, resolved ones at log', async () => {
    const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
    await new LogAlertNotifier(logger).notify([
      ev('critical', 'firing'),
      ev('warning', 'firing'),
      ev('info', 'firing'),
      ev('critical', 'resolved'),
    ]);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.log).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledWith({
      msg: '[firing] r on op: value 0.1235, threshold 0.05 (bad)',
      alert: expect.objectContaining({
        severity: 'critical',
        sampleCorrelationIds: ['c1'],
      }),
    });
    expect(logger.log).toHaveBeenLastCalledWith(
      expect.objectContaining({
        msg: expect.stringMatching(/^\[resolved\] r on op/),
      }),
    );
  });
});
