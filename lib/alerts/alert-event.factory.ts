import type { AlertEvent } from './alert-event';
import type { ResolvedAlertRule } from './alert-rule';
import { type AlertState, alertStateKey } from './alert-state';
import { renderAlertTemplate } from './alert-template';

/** Builds the {@link AlertEvent} of a (rule, operation) state, with rendered annotations. */
export class AlertEventFactory {
  constructor(
    private readonly serviceName: string,
    private readonly instance: string,
    private readonly dashboardUrl: string | undefined,
  ) {}

  build(
    rule: ResolvedAlertRule,
    s: AlertState,
    status: 'firing' | 'resolved',
    now: number,
  ): AlertEvent {
    const values = {
      operation: s.operation,
      value: s.value,
      threshold: rule.threshold,
      rule: rule.name,
    };
    const annotations: Record<string, string> = {};
    if (rule.annotations.summary)
      annotations.summary = renderAlertTemplate(
        rule.annotations.summary,
        values,
      );
    if (rule.annotations.description)
      annotations.description = renderAlertTemplate(
        rule.annotations.description,
        values,
      );
    return {
      id: alertStateKey(rule.name, s.operation),
      rule: rule.name,
      operation: s.operation,
      severity: rule.severity,
      status,
      value: s.value,
      threshold: rule.threshold,
      startsAt: new Date(s.startsAt).toISOString(),
      ...(status === 'resolved' ? { endsAt: new Date(now).toISOString() } : {}),
      evaluatedAt: new Date(now).toISOString(),
      labels: {
        ...rule.labels,
        alertname: rule.name,
        operation: s.operation,
        severity: rule.severity,
      },
      annotations,
      sampleCorrelationIds: [...s.sampleCorrelationIds],
      service: this.serviceName,
      instance: this.instance,
      ...(this.dashboardUrl ? { generatorURL: this.dashboardUrl } : {}),
    };
  }
}
