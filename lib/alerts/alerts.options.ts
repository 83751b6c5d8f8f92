import { OptionsChecker } from '../rfs.options-errors';
import { parseAlertDuration } from './alert-duration';
import type { AlertRule } from './alert-rule';
import { AlertRuleError, validateAlertRule } from './alert-rule.validator';
import type { AlertNotifier } from './notifiers/alert-notifier';

/** Options of the `alerts` section (in-process rule evaluation and notifiers). */
export class AlertsOptions {
  /** Rules evaluated in addition to the defaults. */
  rules: AlertRule[] = [];
  /** Add `rfs_high_error_rate`, `rfs_slow_operations`, `rfs_low_batch_success_rate`. */
  defaultRules = true;
  /** Evaluation period (duration such as `'15s'`). */
  evaluationInterval = '15s';
  /** Notifiers; default one `LogAlertNotifier` (plus any under the `RFS_ALERT_NOTIFIERS` token). */
  notifiers?: AlertNotifier[];
  /** Alert events kept for `getHistory()`. */
  historyLimit = 500;
  /** Correlation ids of failing operations kept per event. */
  sampleCorrelationIds = 5;
  /** How long shutdown waits for pending notifications (ms). */
  shutdownFlushMs = 5000;
  /** First retry delay of a failed notification (ms); doubles per attempt, with jitter. */
  retryBaseMs = 1000;
  /** Longest retry delay of a failed notification (ms). */
  retryMaxMs = 60_000;
  /** Instance label of alerts (default `<hostname>:<pid>`). */
  instance?: string;
  /** Absolute URL of this instance's dashboard, sent as the alerts' `generatorURL`. */
  dashboardUrl?: string;
}

const OPTIONAL_KEYS = ['notifiers', 'instance', 'dashboardUrl'];

/** Validates a user's `alerts` section, including every rule; problems go to `check`. */
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
    Object.keys(new AlertsOptions()).concat(OPTIONAL_KEYS),
  );
  if (value.rules !== undefined) {
    if (!Array.isArray(value.rules))
      check.fail(`${p}.rules`, 'an array of AlertRule', value.rules);
    else
      value.rules.forEach((rule: unknown, i: number) => {
        try {
          validateAlertRule(rule, i);
        } catch (err) {
          if (!(err instanceof AlertRuleError)) throw err;
          check.problems.push(err.message);
        }
      });
  }
  check.boolean(`${p}.defaultRules`, value.defaultRules);
  if (
    value.evaluationInterval !== undefined &&
    (typeof value.evaluationInterval !== 'string' ||
      !parseAlertDuration(value.evaluationInterval))
  )
    check.fail(
      `${p}.evaluationInterval`,
      "a positive duration such as '15s' or '1m'",
      value.evaluationInterval,
    );
  if (value.notifiers !== undefined) {
    const ok =
      Array.isArray(value.notifiers) &&
      value.notifiers.every(
        (n: unknown) =>
          typeof n === 'object' &&
          n !== null &&
          typeof (n as { notify?: unknown }).notify === 'function' &&
          typeof (n as { name?: unknown }).name === 'string',
      );
    if (!ok)
      check.fail(
        `${p}.notifiers`,
        'an array of AlertNotifier ({ name, notify(events) })',
        value.notifiers,
      );
  }
  check.number(`${p}.historyLimit`, value.historyLimit, {
    integer: true,
    min: 1,
  });
  check.number(`${p}.sampleCorrelationIds`, value.sampleCorrelationIds, {
    integer: true,
    min: 0,
  });
  check.number(`${p}.shutdownFlushMs`, value.shutdownFlushMs, { min: 0 });
  check.number(`${p}.retryBaseMs`, value.retryBaseMs, { min: 1 });
  check.number(`${p}.retryMaxMs`, value.retryMaxMs, { min: 1 });
  check.string(`${p}.instance`, value.instance);
  if (value.dashboardUrl !== undefined) {
    let ok = typeof value.dashboardUrl === 'string';
    try {
      if (ok) new URL(value.dashboardUrl as string);
    } catch {
      ok = false;
    }
    if (!ok)
      check.fail(`${p}.dashboardUrl`, 'an absolute URL', value.dashboardUrl);
  }
}
