import { Inject } from '@nestjs/common';
import type { AlertEvent } from '../alerts/alert-event';
import type { AlertRule } from '../alerts/alert-rule';

/**
 * What the dashboard shows about alerts. `ResultAlertService` implements it (RfsModule wires it
 * under {@link getDashboardAlertsSourceToken}); without a source the dashboard lists none.
 *
 * @example
 * providers: [{ provide: getDashboardAlertsSourceToken(), useExisting: ResultAlertService }]
 */
export interface DashboardAlertsSource {
  /** Alerts currently firing. */
  getActiveAlerts(): readonly AlertEvent[];
  /** Every configured rule (enabled or not). */
  getRules(): readonly AlertRule[];
}

const RFS_DASHBOARD_ALERTS_SOURCE = Symbol('rfs:dashboard-alerts-source');

/** Returns the injection token of the optional {@link DashboardAlertsSource}. */
export function getDashboardAlertsSourceToken(): symbol {
  return RFS_DASHBOARD_ALERTS_SOURCE;
}

/**
 * Injects the {@link DashboardAlertsSource} (combine with `@Optional()`).
 * @example constructor(@Optional() @InjectDashboardAlertsSource() private readonly alerts?: DashboardAlertsSource) {}
 */
export const InjectDashboardAlertsSource = (): PropertyDecorator &
  ParameterDecorator => Inject(RFS_DASHBOARD_ALERTS_SOURCE);
