import type { CanActivate, Type } from '@nestjs/common';
import { OptionsChecker } from '../rfs.options-errors';

/** Options of the `dashboard` section (JSON endpoint and HTML page). */
export class DashboardOptions {
  /** Serve the dashboard. Defaults to on, except when `environment` is `production`. */
  enabled?: boolean;
  /** Route path (no leading slash needed). */
  path = 'rfs/dashboard';
  /** A guard class protecting both routes. */
  guard?: Type<CanActivate>;
}

/** Validates a user's `dashboard` section; problems go to `check`. */
export function checkDashboardOptions(
  check: OptionsChecker,
  value: unknown,
): void {
  if (value === undefined || value === false) return;
  const p = 'dashboard';
  if (!check.object(p, value)) return;
  check.knownKeys(p, value, ['enabled', 'path', 'guard']);
  check.boolean(`${p}.enabled`, value.enabled);
  check.string(`${p}.path`, value.path);
  check.func(`${p}.guard`, value.guard);
}
