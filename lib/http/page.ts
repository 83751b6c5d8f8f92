/** The page a client asked for (from `@PageQuery()`); `page` counts from 1. */
export interface PageRequest {
  /** 1-based page number. */
  readonly page: number;
  /** Items per page. */
  readonly size: number;
  /** Items to skip: `(page - 1) * size`. */
  readonly offset: number;
}

/** One page of a list. */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** 1-based page number. */
  page: number;
  /** Items per page requested. */
  size: number;
  /** Items in the whole list. */
  total: number;
  /** Number of pages (0 for an empty list). */
  pages: number;
  /** Whether a page follows this one. */
  hasNext: boolean;
}

/**
 * Builds a {@link Page} from the items of one page, the list's total and the request.
 *
 * @example
 * ```ts
 * @Get()
 * list(@PageQuery({ maxSize: 50 }) req: PageRequest): Page<Order> {
 *   return toPage(this.orders.slice(req.offset, req.offset + req.size), this.orders.length, req);
 * }
 * ```
 */
export function toPage<T>(
  items: T[],
  total: number,
  request: Pick<PageRequest, 'page' | 'size'>,
): Page<T> {
  const pages = request.size > 0 ? Math.ceil(total / request.size) : 0;
  return {
    items,
    page: request.page,
    size: request.size,
    total,
    pages,
    hasNext: request.page < pages,
  };
}
