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

// Route path characters (RFC 3986 pchar and '/'), no spaces, query or fragment.
const ROUTE_PATH = /^\/?[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$/;

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
  if (
    typeof value.path === 'string' &&
    value.path !== '' &&
    (!ROUTE_PATH.test(value.path) || value.path.split('/').includes('..'))
  ) {
    check.fail(`${p}.path`, "a route path such as 'rfs/dashboard'", value.path);
  }
  check.func(`${p}.guard`, value.guard);
}
