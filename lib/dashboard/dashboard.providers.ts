import type { Provider, Type } from '@nestjs/common';
import {
  RfsDashboardController,
  dashboardRouteProvider,
} from './dashboard.controller';
import { ResultAlertService } from '../alerts/result-alert.service';
import { getDashboardAlertsSourceToken } from './dashboard-alerts-source';
import { DashboardGuard } from './dashboard.guard';
import { DashboardService } from './dashboard.service';

/**
 * Providers of the dashboard feature, for RfsModule. They need the `ResultMetricsCollector`
 * (metrics feature), and use a `DashboardAlertsSource` when the alerts feature provides one.
 */
export const dashboardProviders: Provider[] = [
  DashboardService,
  DashboardGuard,
  dashboardRouteProvider,
  {
    // The alert service (when the alerts feature is present) is the dashboard's alerts source.
    provide: getDashboardAlertsSourceToken(),
    useFactory: (alerts?: ResultAlertService) => alerts ?? null,
    inject: [{ token: ResultAlertService, optional: true }],
  },
];

/** Controllers of the dashboard feature (`GET <path>` and `GET <path>/ui`). */
export const dashboardControllers: Type<unknown>[] = [RfsDashboardController];
