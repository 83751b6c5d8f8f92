import type { Observer } from 'rxjs';
import { isResult } from '../result/result';
import type { FluxResponseOptions } from './flux-response.decorator';
import type { ProblemDetails, ProblemDetailsFactory } from './problem-details';

/** A failed batch item: its position in the stream and its problem body. */
export type BatchItemError = ProblemDetails & { index: number };

/** Counts of a batch response. */
export interface BatchSummary {
  total: number;
  successful: number;
  failed: number;
  /** `successful / total`; 1 for an empty batch. */
  successRate: number;
  /** From the handler's start to the last item. */
  processingTimeMs: number;
}

/**
 * The body a route returning a `FluxResult` answers with (batch mode).
 *
 * @example
 * ```json
 * { "success": false,
 *   "summary": { "total": 3, "successful": 2, "failed": 1, "successRate": 0.667, "processingTimeMs": 4.1 },
 *   "results": [{ "id": 1 }, { "id": 3 }],
 *   "errors": [{ "index": 1, "status": 404, "code": "NOT_FOUND", … }] }
 * ```
 */
export interface BatchEnvelope<T = unknown> {
  /** True when no item failed (an empty batch included). */
  success: boolean;
  summary: BatchSummary;
  /** The Ok values, in stream order. */
  results: T[];
  /** Failed items (up to `maxErrors`), when `includeErrors`. */
  errors?: BatchItemError[];
}

/** Collects a FluxResult's items into a {@link BatchEnvelope}; `done` gets the outcome. */
export class BatchCollector implements Observer<unknown> {
  readonly results: unknown[] = [];
  readonly errors: BatchItemError[] = [];
  total = 0;
  failed = 0;
  /** Status of the first failed item. */
  firstErrorStatus?: number;

  constructor(
    private readonly options: Readonly<FluxResponseOptions>,
    private readonly problems: ProblemDetailsFactory,
    private readonly done: {
      batchDone(collector: BatchCollector): void;
      error(error: unknown): void;
    },
  ) {}

  next(item: unknown): void {
    const index = this.total++;
    if (!isResult(item)) {
      this.results.push(item);
      return;
    }
    if (item.isOk()) {
      this.results.push(item.value);
      return;
    }
    this.failed++;
    const keep =
      this.options.includeErrors && this.errors.length < this.options.maxErrors;
    if (this.firstErrorStatus !== undefined && !keep) return;
    const problem = this.problems.create(item.error);
    this.firstErrorStatus ??= problem.status;
    if (keep) this.errors.push({ index, ...problem.body });
  }

  error(error: unknown): void {
    this.done.error(error);
  }

  complete(): void {
    this.done.batchDone(this);
  }

  /** HTTP status: `routeStatus` when nothing failed, 207 for a partial success, else the first error's. */
  status(routeStatus: number): number {
    if (this.failed === 0) return routeStatus;
    if (this.options.partialSuccess && this.failed < this.total) return 207;
    return this.firstErrorStatus ?? 500;
  }

  /** The envelope. */
  envelope(processingTimeMs: number): BatchEnvelope {
    const successful = this.total - this.failed;
    const body: BatchEnvelope = {
      success: this.failed === 0,
      summary: {
        total: this.total,
        successful,
        failed: this.failed,
        successRate: this.total === 0 ? 1 : successful / this.total,
        processingTimeMs: Math.round(processingTimeMs * 1000) / 1000,
      },
      results: this.results,
    };
    if (this.options.includeErrors && this.failed > 0)
      body.errors = this.errors;
    return body;
  }
}
