import { defer, tap, type Observable } from 'rxjs';
import type { Result } from './result';
import { emitResultLog, type ResultLogRecord } from './result-log-sink';

// `FluxResult.logResults`: one `flux` record per subscription to the result-log sink.

type MutableLogRecord = {
  -readonly [K in keyof ResultLogRecord]: ResultLogRecord[K];
};

/**
 * `source$` with one `flux` log record written per subscription: on completion, on an error
 * notification (outcome `defect`) or when the consumer stops early (see
 * `FluxResult.logResults`).
 */
export function logResults<T, E>(
  source$: Observable<Result<T, E>>,
  name: string,
): Observable<Result<T, E>> {
  return defer(() => {
    const start = performance.now();
    let okCount = 0;
    let errCount = 0;
    let logged = false;
    const write = (defect: boolean, error?: unknown): void => {
      if (logged) return;
      logged = true;
      const rec: MutableLogRecord = {
        kind: 'flux',
        name,
        outcome: defect ? 'defect' : errCount > 0 ? 'err' : 'ok',
        durationMs: performance.now() - start,
        flux: { ok: okCount, err: errCount },
      };
      if (defect) rec.error = error;
      emitResultLog(rec);
    };
    return source$.pipe(
      tap({
        next: (r) => {
          if (r.isOk()) okCount++;
          else errCount++;
        },
        complete: () => write(false),
        error: (e: unknown) => write(true, e),
        unsubscribe: () => write(false),
      }),
    );
  });
}
