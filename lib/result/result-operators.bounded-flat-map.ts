import {
  Observable,
  Subscription,
  from,
  type ObservableInput,
  type OperatorFunction,
} from 'rxjs';

// The engine of `flatMapOk` (and so of `FluxResult.flatMap`): a bounded, optionally ordered
// `mergeMap`. It knows nothing about Results: `flatMapOk` passes the projection and the item
// check in.

/** The buffered items of an inner Observable in {@link boundedFlatMap}'s ordered mode. */
class Slot<B> {
  readonly items: B[] = [];
  done = false;
}

/**
 * `mergeMap` with bounded concurrency, optionally keeping the input order ("concatMapEager",
 * which RxJS lacks). Promises (what an async callback returns) are awaited with one `then` per
 * item, with no inner Observable or subscriber; single Results go out at once; other inners
 * (Observables, MonoResults) are subscribed to. Ordered: an item whose turn has not come waits
 * in a buffer until every earlier inner completed.
 */
export function boundedFlatMap<A, B>(
  project: (value: A) => ObservableInput<B>,
  concurrency: number,
  check: (item: unknown) => B,
  ordered: boolean,
): OperatorFunction<A, B> {
  return (source) =>
    new Observable<B>((subscriber) => {
      /** Outer values waiting for a free slot (read from `queueHead`). */
      const queue: A[] = [];
      let queueHead = 0;
      let active = 0;
      let draining = false;
      let sourceDone = false;
      /** Ordered: index of the next inner to start / whose items go out now. */
      let nextIndex = 0;
      let head = 0;
      /** Ordered: finished single items (a `B`) and buffered inners (a `Slot`) by index. */
      const waiting = new Map<number, B | Slot<B>>();
      const inners = new Subscription();

      const fail = (e: unknown): void => subscriber.error(e);
      const maybeComplete = (): void => {
        if (sourceDone && active === 0 && queueHead === queue.length) {
          subscriber.complete();
        }
      };
      /** The head inner is done: release the following finished ones, in order. */
      const release = (): void => {
        head++;
        while (waiting.size > 0) {
          const slot = waiting.get(head);
          if (slot === undefined) return;
          waiting.delete(head);
          if (slot instanceof Slot) {
            for (const x of slot.items) subscriber.next(x);
            if (!slot.done) return;
          } else subscriber.next(slot);
          head++;
        }
      };
      /** One finished single-value inner. */
      const single = (index: number, value: unknown): void => {
        let item: B;
        try {
          item = check(value);
        } catch (e) {
          subscriber.error(e);
          return;
        }
        if (!ordered) subscriber.next(item);
        else if (index !== head) waiting.set(index, item);
        else {
          subscriber.next(item);
          release();
        }
      };
      const drain = (): void => {
        if (draining) return;
        draining = true;
        while (
          active < concurrency &&
          queueHead < queue.length &&
          !subscriber.closed
        ) {
          const value = queue[queueHead];
          queue[queueHead++] = undefined as A;
          start(value);
        }
        if (queueHead === queue.length) {
          queue.length = 0;
          queueHead = 0;
        }
        draining = false;
        maybeComplete();
      };
      const start = (value: A): void => {
        const index = nextIndex++;
        let input: ObservableInput<B>;
        try {
          input = project(value);
        } catch (e) {
          subscriber.error(e);
          return;
        }
        if (input instanceof Promise) {
          active++;
          input.then((item: unknown) => {
            if (subscriber.closed) return;
            active--;
            single(index, item);
            drain();
          }, fail);
          return;
        }
        if (Array.isArray(input) && input.length === 1) {
          single(index, input[0]);
          return;
        }
        active++;
        let slot: Slot<B> | undefined;
        let innerDone = false;
        let sub: Subscription | undefined = undefined;
        sub = from(input).subscribe({
          next: (x) => {
            let item: B;
            try {
              item = check(x);
            } catch (e) {
              subscriber.error(e);
              return;
            }
            if (!ordered || index === head) subscriber.next(item);
            else {
              if (slot === undefined) {
                slot = new Slot<B>();
                waiting.set(index, slot);
              }
              slot.items.push(item);
            }
          },
          error: fail,
          complete: () => {
            innerDone = true;
            if (sub !== undefined) inners.remove(sub);
            if (ordered) {
              if (index === head) release();
              else if (slot === undefined) {
                slot = new Slot<B>();
                slot.done = true;
                waiting.set(index, slot);
              } else slot.done = true;
            }
            active--;
            drain();
          },
        });
        if (!innerDone) inners.add(sub);
      };

      inners.add(
        source.subscribe({
          next: (value) => {
            // a synchronous source keeps emitting after a downstream `take` closed us
            if (subscriber.closed) return;
            if (active < concurrency && queueHead === queue.length)
              start(value);
            else queue.push(value);
          },
          error: fail,
          complete: () => {
            sourceDone = true;
            maybeComplete();
          },
        }),
      );
      return () => {
        inners.unsubscribe();
        queue.length = 0;
        waiting.clear();
      };
    });
}
