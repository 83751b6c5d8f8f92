import type { RouteInfo } from '@nestjs/common/interfaces';
import { OptionsChecker } from '../rfs.options-errors';

/** Options of the `correlation` section (correlation ids through AsyncLocalStorage). */
export class CorrelationOptions {
  /** Incoming headers tried in order for an id. */
  headers: string[] = ['x-correlation-id', 'x-request-id'];
  /** Use the trace-id of a W3C `traceparent` when no header above is present. */
  useTraceparent = true;
  /** Response header that echoes the id (on every response, errors included). */
  responseHeader: string | false = 'x-correlation-id';
  /** Accepted ids; anything else is replaced by a new UUID and counted as rejected. */
  pattern: RegExp = /^[A-Za-z0-9._:-]{1,128}$/;
  /** Generates new ids (default `crypto.randomUUID`). */
  generateId?: () => string;
  /** Routes the middleware applies to (default: every route). */
  forRoutes: (string | RouteInfo)[] = ['*'];
  /** Routes excluded from the middleware. */
  exclude: (string | RouteInfo)[] = [];
}

/** Validates a user's `correlation` section; problems go to `check`. */
export function checkCorrelationOptions(
  check: OptionsChecker,
  value: unknown,
): void {
  if (value === undefined || value === false) return;
  const p = 'correlation';
  if (!check.object(p, value)) return;
  check.knownKeys(
    p,
    value,
    Object.keys(new CorrelationOptions()).concat('generateId'),
  );
  check.stringArray(`${p}.headers`, value.headers);
  check.boolean(`${p}.useTraceparent`, value.useTraceparent);
  if (value.responseHeader !== undefined && value.responseHeader !== false) {
    check.string(`${p}.responseHeader`, value.responseHeader);
  }
  if (value.pattern !== undefined && !(value.pattern instanceof RegExp)) {
    check.fail(`${p}.pattern`, 'a RegExp', value.pattern);
  }
  check.func(`${p}.generateId`, value.generateId);
  if (value.forRoutes !== undefined && !Array.isArray(value.forRoutes)) {
    check.fail(
      `${p}.forRoutes`,
      'an array of paths or RouteInfo',
      value.forRoutes,
    );
  }
  if (value.exclude !== undefined && !Array.isArray(value.exclude)) {
    check.fail(`${p}.exclude`, 'an array of paths or RouteInfo', value.exclude);
  }
}
