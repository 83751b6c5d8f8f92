/**
 * Injection tokens and metadata keys of nestjs-rfs. Users never type these: each public token
 * has a `get…Token()` helper and an `@Inject…()` decorator next to the code that provides it.
 */

/** Token of the clock every time-based feature reads (metric windows, alert evaluation). */
export const RFS_CLOCK = Symbol('rfs:clock');

/** Token of the alert notifiers (`AlertNotifier[]`) users may provide in addition to options. */
export const RFS_ALERT_NOTIFIERS = Symbol('rfs:alert-notifiers');

/** Metadata key set by `@RfsOperation(name)` on a controller method. */
export const RFS_OPERATION_METADATA = 'rfs:operation';

/** Metadata key set by `@FluxResponse(options)` on a controller method. */
export const RFS_FLUX_RESPONSE_METADATA = 'rfs:flux-response';

/** Metadata key set by `@HttpErrorStatus(status)` on a user's error class. */
export const RFS_HTTP_ERROR_STATUS_METADATA = 'rfs:http-error-status';

/** Metadata key set by `@LogResultOperation(...)` on a wrapped method. */
export const RFS_LOG_OPERATION_METADATA = 'rfs:log-operation';

/**
 * Metadata key (class or handler, value `true`) marking routes of nestjs-rfs itself (the
 * dashboard): the HTTP interceptor neither times, logs nor announces them as operations.
 */
export const RFS_UNTRACKED_METADATA = 'rfs:untracked';
