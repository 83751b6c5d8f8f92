import { defer, tap } from 'rxjs';
import type { OperationOutcome } from '../result/outcome';
import { FluxResult } from '../result/flux-result';

/** Reports one finished FluxResult: outcome, item counts, duration from subscribe, defect. */
export type FluxReport = (
  outcome: OperationOutcome,
  counts: { ok: number; err: number },
  durationMs: number,
  error?: unknown,
) => void;

/**
 * When `value` is a FluxResult, returns a FluxResult over the same items that reports once per
 * subscription — on completion (`err` when any item failed), on an error notification
 * (`defect`) or when the consumer stops early (counts so far); otherwise `undefined`.
 */
export function observeFlux(
  value: unknown,
  report: FluxReport,
): FluxResult<unknown, unknown> | undefined {
  if (!(value instanceof FluxResult)) return undefined;
  const source$ = (value as FluxResult<unknown, unknown>).source$;
  return new FluxResult(
    defer(() => {
      const start = performance.now();
      const counts = { ok: 0, err: 0 };
      let done = false;
      const finish = (defect: boolean, error?: unknown): void => {
        if (done) return;
        done = true;
        report(
          defect ? 'defect' : counts.err > 0 ? 'err' : 'ok',
          { ok: counts.ok, err: counts.err },
          performance.now() - start,
          error,
        );
      };
      return source$.pipe(
        tap({
          next: (r) => {
            if (r.isOk()) counts.ok++;
            else counts.err++;
          },
          complete: () => finish(false),
          error: (e: unknown) => finish(true, e),
          unsubscribe: () => finish(false),
        }),
      );
    }),
  );
}
