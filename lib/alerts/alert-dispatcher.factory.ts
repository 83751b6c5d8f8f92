import type { Logger } from '@nestjs/common';
import type { AlertPipelineMetrics } from './alert-metrics';
import { AlertDispatcher } from './notifiers/alert-dispatcher';
import type { AlertNotifier } from './notifiers/alert-notifier';
import { LogAlertNotifier } from './notifiers/log.notifier';

/** What {@link createAlertDispatcher} wires together. */
export interface AlertDispatcherWiring {
  /** `alerts.notifiers` (undefined: not set). */
  configured: readonly AlertNotifier[] | undefined;
  /** Notifiers from the `RFS_ALERT_NOTIFIERS` token. */
  extra: readonly AlertNotifier[];
  logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  retryBaseMs: number;
  retryMaxMs: number;
  metrics: AlertPipelineMetrics;
}

/**
 * The dispatcher of the configured and extra notifiers (a log notifier when neither is set),
 * counting failures and drops per notifier; the counters start at 0 for every notifier.
 */
export function createAlertDispatcher(
  w: AlertDispatcherWiring,
): AlertDispatcher {
  const notifiers = [...(w.configured ?? []), ...w.extra];
  // Log by default; an explicit `notifiers: []` means "none".
  if (w.configured === undefined && w.extra.length === 0)
    notifiers.push(new LogAlertNotifier());
  const dispatcher = new AlertDispatcher(notifiers, {
    logger: w.logger,
    retryBaseMs: w.retryBaseMs,
    retryMaxMs: w.retryMaxMs,
    onFailure: (name) => w.metrics.failed.inc({ notifier: name }),
    onDrop: (name, n) => w.metrics.dropped.inc({ notifier: name }, n),
  });
  for (const name of new Set(notifiers.map((n) => n.name))) {
    w.metrics.failed.inc({ notifier: name }, 0);
    w.metrics.dropped.inc({ notifier: name }, 0);
  }
  return dispatcher;
}
