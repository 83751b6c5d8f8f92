import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RfsError, type FieldError } from '../result/rfs.error';
import type { PageRequest } from './page';

/** Options of {@link PageQuery}. */
export interface PageQueryOptions {
  /** Size when the query has none (default 20). */
  defaultSize?: number;
  /** Largest accepted size (default 100). */
  maxSize?: number;
}

const DIGITS = /^[0-9]{1,15}$/;

function parse(
  raw: unknown,
  field: string,
  fallback: number,
  max: number,
  errors: FieldError[],
): number {
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'string' && DIGITS.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= max) return n;
  errors.push({
    field,
    code: 'invalid',
    message:
      max === Number.MAX_SAFE_INTEGER
        ? 'must be an integer ≥ 1'
        : `must be an integer between 1 and ${max}`,
  });
  return fallback;
}

function readPage(
  options: PageQueryOptions | undefined,
  ctx: ExecutionContext,
): PageRequest {
  const defaultSize = options?.defaultSize ?? 20;
  const maxSize = options?.maxSize ?? 100;
  const req = ctx.switchToHttp().getRequest<{ query?: unknown }>();
  const query = (req?.query ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const page = parse(query.page, 'page', 1, Number.MAX_SAFE_INTEGER, errors);
  const size = parse(query.size, 'size', defaultSize, maxSize, errors);
  if (errors.length > 0) throw RfsError.validation(errors);
  return { page, size, offset: (page - 1) * size };
}

const pageQuery = createParamDecorator(readPage);

/**
 * Reads `?page=&size=` into a {@link PageRequest}. Missing values take `page = 1` and
 * `defaultSize`; a non-integer, a value below 1 or a size above `maxSize` answers 400
 * problem+json with a field error for each bad parameter (the handler does not run).
 *
 * @example
 * ```ts
 * @Get()
 * list(@PageQuery({ defaultSize: 20, maxSize: 100 }) page: PageRequest) { … }
 * ```
 */
export function PageQuery(options: PageQueryOptions = {}): ParameterDecorator {
  const { defaultSize = 20, maxSize = 100 } = options;
  if (!Number.isInteger(maxSize) || maxSize < 1) {
    throw new TypeError(
      `@PageQuery(options): maxSize must be an integer ≥ 1, got ${String(maxSize)}`,
    );
  }
  if (
    !Number.isInteger(defaultSize) ||
    defaultSize < 1 ||
    defaultSize > maxSize
  ) {
    throw new TypeError(
      `@PageQuery(options): defaultSize must be an integer between 1 and maxSize (${maxSize}), got ${String(defaultSize)}`,
    );
  }
  return pageQuery({ defaultSize, maxSize });
}
