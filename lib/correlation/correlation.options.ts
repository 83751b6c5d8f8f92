import { RequestMethod } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import { OptionsChecker } from '../rfs.options-errors';

/**
 * Whether a `forRoutes` entry is the bare wildcard (`'*'` / `'/*'`, every method, no version):
 * the correlation context then covers every request, also outside a global prefix.
 *
 * @internal shared by the request-hook choice and `http.pipeline: 'auto'`
 */
export function isEveryRequestRoute(route: string | RouteInfo): boolean {
  if (typeof route === 'string') return route === '*' || route === '/*';
  return (
    (route.path === '*' || route.path === '/*') &&
    route.method === RequestMethod.ALL &&
    route.version === undefined
  );
}

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
  /**
   * Routes the middleware applies to (default `['*']`: every request, also outside a global
   * prefix; any other value has Nest's `forRoutes` semantics).
   */
  forRoutes: (string | RouteInfo)[] = ['*'];
  /** Routes excluded from the middleware. */
  exclude: (string | RouteInfo)[] = [];
}

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

function checkRoutes(
  check: OptionsChecker,
  path: string,
  value: unknown,
): void {
  if (value === undefined) return;
  const ok =
    Array.isArray(value) &&
    value.every(
      (r) =>
        (typeof r === 'string' && r.length > 0) ||
        (typeof r === 'object' &&
          r !== null &&
          typeof (r as { path?: unknown }).path === 'string' &&
          typeof (r as { method?: unknown }).method === 'number'),
    );
  if (!ok)
    check.fail(
      path,
      'an array of route paths or { path, method: RequestMethod } objects',
      value,
    );
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
  if (
    value.headers !== undefined &&
    (!Array.isArray(value.headers) ||
      value.headers.some((h) => typeof h !== 'string' || !HEADER_NAME.test(h)))
  ) {
    check.fail(`${p}.headers`, 'an array of HTTP header names', value.headers);
  }
  check.boolean(`${p}.useTraceparent`, value.useTraceparent);
  if (
    value.responseHeader !== undefined &&
    value.responseHeader !== false &&
    (typeof value.responseHeader !== 'string' ||
      !HEADER_NAME.test(value.responseHeader))
  ) {
    check.fail(
      `${p}.responseHeader`,
      'an HTTP header name or false',
      value.responseHeader,
    );
  }
  if (value.pattern !== undefined && !(value.pattern instanceof RegExp)) {
    check.fail(`${p}.pattern`, 'a RegExp', value.pattern);
  }
  check.func(`${p}.generateId`, value.generateId);
  checkRoutes(check, `${p}.forRoutes`, value.forRoutes);
  checkRoutes(check, `${p}.exclude`, value.exclude);
}
