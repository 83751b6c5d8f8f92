import { Logger } from '@nestjs/common';
import type { AlertEvent } from '../alert-event';
import { formatAlertValue } from '../alert-template';
import type { AlertNotifier } from './alert-notifier';

/**
 * Writes alert events to the application log (the default notifier): firing critical alerts
 * at `error`, warning at `warn`, info and resolved alerts at `log`. With nestjs-pino's logger
 * installed (`app.useLogger(app.get(Logger))`) the lines are structured JSON.
 *
 * @example RfsModule.forRoot({ alerts: { notifiers: [new LogAlertNotifier()] } })
 */
export class LogAlertNotifier implements AlertNotifier {
  readonly name = 'log';

  constructor(
    private readonly logger: Pick<
      Logger,
      'log' | 'warn' | 'error'
    > = new Logger('RfsAlerts'),
  ) {}

  /** Logs every event; never rejects. */
  async notify(events: AlertEvent[]): Promise<void> {
    for (const e of events) {
      const line = {
        msg: `[${e.status}] ${e.rule} on ${e.operation}: value ${formatAlertValue(e.value)}, threshold ${formatAlertValue(e.threshold)}${e.annotations.summary ? ` (${e.annotations.summary})` : ''}`,
        alert: {
          id: e.id,
          rule: e.rule,
          operation: e.operation,
          severity: e.severity,
          status: e.status,
          value: e.value,
          threshold: e.threshold,
          startsAt: e.startsAt,
          endsAt: e.endsAt,
          labels: e.labels,
          annotations: e.annotations,
          sampleCorrelationIds: e.sampleCorrelationIds,
        },
      };
      if (e.status === 'resolved') this.logger.log(line);
      else if (e.severity === 'critical') this.logger.error(line);
      else if (e.severity === 'warning') this.logger.warn(line);
      else this.logger.log(line);
    }
  }
}
