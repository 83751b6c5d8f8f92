import {
  type CorrelationOptions,
  isEveryRequestRoute,
} from '../correlation/correlation.options';
import { OptionsChecker } from '../rfs.options-errors';

/** Maps an error the registry does not know to an HTTP status (or `undefined` to go on). */
export type HttpErrorMapper = (error: unknown) => number | undefined;

/** Options of the `http` section (the Result → HTTP boundary). */
export class HttpOptions {
  /** Register `ResultInterceptor` globally. */
  interceptor = true;
  /** Register `ResultExceptionFilter` globally. */
  exceptionFilter = true;
  /** Extra status mapping by error code or error class name. */
  errorStatus: Record<string, number> = {};
  /** Last-resort mapper before 500. */
  errorMapper?: HttpErrorMapper;
  /** Base URI of problem `type`s (`<base><code-in-kebab-case>`); `about:blank` when empty. */
  problemTypeBaseUrl = 'about:blank';
  /** Add `Server-Timing: app;dur=<ms>`. */
  timingHeader = true;
  /**
   * How results reach HTTP: `'handler'` (route methods wrapped at startup, no interceptor;
   * needs `exceptionFilter` and the correlation context on every route), `'interceptor'` (the
   * global `ResultInterceptor`), or `'auto'` (the default): `'handler'` when the correlation
   * context covers every request (correlation on, `forRoutes: ['*']`, no `exclude`) and
   * `exceptionFilter` is on, else `'interceptor'`. Resolved options hold the pipeline chosen.
   */
  pipeline: HttpPipeline = 'auto';
}

/** Values of `http.pipeline`. */
export type HttpPipeline = 'auto' | 'interceptor' | 'handler';

/**
 * The pipeline `'auto'` stands for: `'handler'` when every request gets the correlation
 * context it needs (the request and response ride on it) and the exception filter that writes
 * its error responses is on; otherwise `'interceptor'`.
 *
 * @internal used when options are resolved
 */
export function resolvePipeline(
  http: HttpOptions,
  correlation: Pick<CorrelationOptions, 'forRoutes' | 'exclude'> | false,
): 'interceptor' | 'handler' {
  if (http.pipeline !== 'auto') return http.pipeline;
  const everyRoute =
    correlation !== false &&
    correlation.exclude.length === 0 &&
    correlation.forRoutes.some(isEveryRequestRoute);
  return everyRoute && http.exceptionFilter ? 'handler' : 'interceptor';
}

/** Validates a user's `http` section; problems go to `check`. */
export function checkHttpOptions(check: OptionsChecker, value: unknown): void {
  if (value === undefined || value === false) return;
  const p = 'http';
  if (!check.object(p, value)) return;
  check.knownKeys(
    p,
    value,
    Object.keys(new HttpOptions()).concat('errorMapper'),
  );
  check.boolean(`${p}.interceptor`, value.interceptor);
  check.boolean(`${p}.exceptionFilter`, value.exceptionFilter);
  check.boolean(`${p}.timingHeader`, value.timingHeader);
  check.string(`${p}.problemTypeBaseUrl`, value.problemTypeBaseUrl);
  if (value.pipeline !== undefined) {
    check.oneOf(`${p}.pipeline`, value.pipeline, [
      'auto',
      'interceptor',
      'handler',
    ]);
  }
  if (value.pipeline === 'handler' && value.exceptionFilter === false) {
    check.fail(
      `${p}.exceptionFilter`,
      "true when http.pipeline is 'handler' (the filter writes its error responses)",
      false,
    );
  }
  const base = value.problemTypeBaseUrl;
  if (
    typeof base === 'string' &&
    base !== '' &&
    base !== 'about:blank' &&
    !URL.canParse(base)
  ) {
    check.fail(
      `${p}.problemTypeBaseUrl`,
      "an absolute URL (such as 'https://errors.example.com/') or 'about:blank'",
      base,
    );
  }
  check.func(`${p}.errorMapper`, value.errorMapper);
  if (
    value.errorStatus !== undefined &&
    check.object(`${p}.errorStatus`, value.errorStatus)
  ) {
    for (const [k, v] of Object.entries(value.errorStatus)) {
      check.number(`${p}.errorStatus.${k}`, v, {
        integer: true,
        min: 100,
        max: 599,
      });
    }
  }
}
