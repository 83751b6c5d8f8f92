import { SetMetadata } from '@nestjs/common';
import { RFS_FLUX_RESPONSE_METADATA } from '../rfs.constants';

/** How a route answers with a `FluxResult`. */
export class FluxResponseOptions {
  /** Put the failed items (as problem bodies with their `index`) in `errors`. */
  includeErrors = true;
  /** At most this many entries in `errors` (the counts in `summary` stay exact). */
  maxErrors = 100;
  /** Answer 207 when some items failed and some succeeded (otherwise the first error's status). */
  partialSuccess = true;
  /** `batch`: one JSON envelope; `ndjson`: one line per item, streamed as items come. */
  mode: 'batch' | 'ndjson' = 'batch';
}

/** The defaults of {@link FluxResponseOptions}, shared by routes without `@FluxResponse`. */
export const DEFAULT_FLUX_RESPONSE: Readonly<FluxResponseOptions> =
  Object.freeze(new FluxResponseOptions());

/**
 * Chooses how a route that returns a `FluxResult` answers. Without it, the batch envelope with
 * default options is used; a request with `Accept: application/x-ndjson` always gets NDJSON.
 *
 * @example
 * ```ts
 * @Post('import')
 * @FluxResponse({ partialSuccess: false, maxErrors: 10 })
 * import(@Body() rows: Row[]) { return FluxResult.from(rows).flatMap((r) => this.save(r)); }
 * ```
 */
export function FluxResponse(
  options: Partial<FluxResponseOptions> = {},
): MethodDecorator {
  const problems: string[] = [];
  const o = options as Record<string, unknown>;
  const known = Object.keys(new FluxResponseOptions());
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) {
      problems.push(`${key} is not an option; accepted: ${known.join(', ')}`);
    }
  }
  for (const key of ['includeErrors', 'partialSuccess'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') {
      problems.push(`${key} must be true or false`);
    }
  }
  if (
    o.maxErrors !== undefined &&
    !(
      typeof o.maxErrors === 'number' &&
      Number.isInteger(o.maxErrors) &&
      o.maxErrors >= 0
    )
  ) {
    problems.push('maxErrors must be an integer ≥ 0');
  }
  if (o.mode !== undefined && o.mode !== 'batch' && o.mode !== 'ndjson') {
    problems.push(`mode must be 'batch' or 'ndjson'`);
  }
  if (problems.length > 0) {
    throw new TypeError(`@FluxResponse(options): ${problems.join('; ')}`);
  }
  return SetMetadata(
    RFS_FLUX_RESPONSE_METADATA,
    Object.freeze({ ...new FluxResponseOptions(), ...options }),
  );
}
