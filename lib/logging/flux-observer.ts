import type { OperationOutcome } from '../result/outcome';

/** Reports one finished FluxResult: outcome, item counts, duration from subscribe, defect. */
export type FluxReport = (
  outcome: OperationOutcome,
  counts: { ok: number; err: number },
  durationMs: number,
  error?: unknown,
) => void;

/** TEMPORARY until lib/result/flux-result.ts lands: recognises no FluxResult. */
export function observeFlux(_value: unknown, _report: FluxReport): unknown {
  return undefined;
}
