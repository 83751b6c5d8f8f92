import {
  BadRequestException,
  Controller,
  Get,
  Header,
  Query,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { Provider } from '@nestjs/common';
import { isMetricWindow } from '../metrics/window-ring';
import { getRfsOptionsToken } from '../rfs-options.provider';
import { RFS_UNTRACKED_METADATA } from '../rfs.constants';
import { RfsModuleOptions } from '../rfs.options';
import { DashboardOptions } from './dashboard.options';
import { DASHBOARD_PAGE, DASHBOARD_PAGE_CSP } from './dashboard-page';
import { DashboardGuard } from './dashboard.guard';
import { DashboardService, type DashboardSnapshot } from './dashboard.service';

/**
 * `GET <dashboard.path>` (JSON snapshot, `?window=1m|5m|15m|1h`, default `5m`) and
 * `GET <dashboard.path>/ui` (the self-contained HTML page). The path comes from the resolved
 * options (see {@link dashboardRouteProvider}); both routes pass {@link DashboardGuard}.
 */
@Controller(new DashboardOptions().path)
@UseGuards(DashboardGuard)
@SetMetadata(RFS_UNTRACKED_METADATA, true) // polls are not business operations
export class RfsDashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  /** The dashboard data as JSON. */
  @Get()
  @Header('Cache-Control', 'no-store')
  json(@Query('window') window?: string): DashboardSnapshot {
    const w = window ?? '5m';
    if (!isMetricWindow(w))
      throw new BadRequestException(
        `window must be one of '1m', '5m', '15m', '1h', got ${JSON.stringify(w)}`,
      );
    return this.dashboard.snapshot(w);
  }

  /** The dashboard page; it polls the JSON route every 2 s. */
  @Get('ui')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', DASHBOARD_PAGE_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  page(): string {
    return DASHBOARD_PAGE;
  }
}

/** Token of the provider that applies `dashboard.path` to {@link RfsDashboardController}. */
export const RFS_DASHBOARD_ROUTE = Symbol('rfs:dashboard-route');

/**
 * Sets the controller's path from the resolved options. Providers are instantiated before Nest
 * registers routes (`app.init()`), so this also works for `forRootAsync` options. The path is
 * class metadata: two applications initialised concurrently in one process share it.
 */
export const dashboardRouteProvider: Provider = {
  provide: RFS_DASHBOARD_ROUTE,
  inject: [getRfsOptionsToken()],
  useFactory: (options: RfsModuleOptions): string => {
    const d = options.dashboard;
    const path = (d === false ? new DashboardOptions() : d).path.replace(
      /^\/+|\/+$/g,
      '',
    );
    Reflect.defineMetadata(PATH_METADATA, path, RfsDashboardController);
    return path;
  },
};
