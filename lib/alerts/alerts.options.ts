import { OptionsChecker } from '../rfs.options-errors';
import type { AlertRule } from './alert-rule';
import type { AlertNotifier } from './notifiers/alert-notifier';

/** Options of the `alerts` section (in-process rule evaluation and notifiers). */
export class AlertsOptions {
  /** Rules evaluated in addition to the defaults. */
  rules: AlertRule[] = [];
  /** Add `rfs_high_error_rate`, `rfs_slow_operations`, `rfs_low_batch_success_rate`. */
  defaultRules = true;
  /** Evaluation period (duration such as `'15s'`). */
  evaluationInterval = '15s';
  /** Notifiers; default one `LogAlertNotifier`. */
  notifiers?: AlertNotifier[];
  /** Alert events kept for `getHistory()`. */
  historyLimit = 500;
  /** Correlation ids of failing operations kept per event. */
  sampleCorrelationIds = 5;
  /** How long shutdown waits for pending notifications (ms). */
  shutdownFlushMs = 5000;
}

/** Validates a user's `alerts` section (not the rules: see the rule validator); problems go to `check`. */
export function checkAlertsOptions(
  check: OptionsChecker,
  value: unknown,
): void {
  if (value === undefined || value === false) return;
  const p = 'alerts';
  if (!check.object(p, value)) return;
  check.knownKeys(
    p,
    value,
    Object.keys(new AlertsOptions()).concat('notifiers'),
  );
  if (value.rules !== undefined && !Array.isArray(value.rules))
    check.fail(`${p}.rules`, 'an array of AlertRule', value.rules);
  check.boolean(`${p}.defaultRules`, value.defaultRules);
  check.string(`${p}.evaluationInterval`, value.evaluationInterval);
  if (value.notifiers !== undefined && !Array.isArray(value.notifiers))
    check.fail(`${p}.notifiers`, 'an array of AlertNotifier', value.notifiers);
  check.number(`${p}.historyLimit`, value.historyLimit, {
    integer: true,
    min: 1,
  });
  check.number(`${p}.sampleCorrelationIds`, value.sampleCorrelationIds, {
    integer: true,
    min: 0,
  });
  check.number(`${p}.shutdownFlushMs`, value.shutdownFlushMs, { min: 0 });
}
