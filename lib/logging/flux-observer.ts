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
 * A FluxResult over the same items as `flux` that reports once per subscription — on
 * completion (`err` when any item failed), on an error notification (`defect`) or when the
 * consumer stops early (the counts so far).
 */
export function observeFlux(
  flux: FluxResult<unknown, unknown>,
  report: FluxReport,
): FluxResult<unknown, unknown> {
  const source$ = flux.source$;
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
