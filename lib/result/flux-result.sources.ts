import { defer, from, isObservable, type Observable } from 'rxjs';

// What `FluxResult.from` / `FluxResult.fromResults` accept, and how it becomes a cold
// Observable.

/** A source of plain values for `FluxResult.from` (and of Results for `FluxResult.fromResults`). */
export type FluxSource<T> = Iterable<T> | AsyncIterable<T> | Observable<T>;

/**
 * A cold Observable over `source`: an Observable as is; an Iterable or AsyncIterable read
 * lazily on each subscription. Anything else is a TypeError naming `where` and what is
 * accepted.
 */
export function toObservable<X>(
  source: FluxSource<X>,
  where: string,
): Observable<X> {
  if (isObservable(source)) return source;
  if (
    source !== null &&
    typeof source === 'object' &&
    (Symbol.iterator in source || Symbol.asyncIterator in source)
  ) {
    // `from` reads iterables and AsyncIterables one item at a time and stops (calling the
    // iterator's `return`) as soon as the subscriber is closed
    return defer(() => from(source));
  }
  throw new TypeError(
    `${where}: expected an Iterable, an AsyncIterable or an Observable; got ${source === null ? 'null' : typeof source}`,
  );
}
