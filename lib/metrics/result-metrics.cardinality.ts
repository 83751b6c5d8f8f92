import type { Logger } from '@nestjs/common';
import type { OperationStats } from './operation-stats';

/** Label value that replaces operations and error codes beyond the cardinality limits. */
export const OVERFLOW_LABEL = '__other__';

/**
 * Keeps the label sets of the operation series bounded (`metrics.maxOperations` operations,
 * `metrics.maxErrorCodes` error codes per operation): names beyond a limit become
 * {@link OVERFLOW_LABEL}, with one warning that says how to fix the cause.
 */
export class ResultMetricsCardinality {
  private operationsWarned = false;

  constructor(
    readonly maxOperations: number,
    readonly maxErrorCodes: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Whether a new `operation` may get its own series when `known` operations exist; when not,
   * the first refusal logs a warning and the caller records it as {@link OVERFLOW_LABEL}.
   */
  admitsOperation(operation: string, known: number): boolean {
    if (known < this.maxOperations) return true;
    if (!this.operationsWarned) {
      this.operationsWarned = true;
      this.logger.warn(
        `More than metrics.maxOperations (${this.maxOperations}) distinct operations: ` +
          `"${operation}" and later new ones are recorded as "${OVERFLOW_LABEL}". ` +
          'Raise metrics.maxOperations or name operations by route template, not by raw URL.',
      );
    }
    return false;
  }

  /** The label of error `code` of `stats`: itself while under the limit, else the overflow. */
  errorCode(
    stats: OperationStats,
    code: string | undefined,
  ): string | undefined {
    if (code === undefined || stats.errorCodes.has(code)) return code;
    if (stats.errorCodes.size < this.maxErrorCodes) {
      stats.errorCodes.add(code);
      return code;
    }
    if (!stats.errorCodesWarned) {
      stats.errorCodesWarned = true;
      this.logger.warn(
        `Operation "${stats.operation}" has more than metrics.maxErrorCodes (${this.maxErrorCodes}) ` +
          `distinct error codes: "${code}" and later new ones are recorded as "${OVERFLOW_LABEL}". ` +
          'Error codes should be a small fixed set; put variable data in the error details.',
      );
    }
    return OVERFLOW_LABEL;
  }

  /** Forgets the operations warning (the collector's `reset`). */
  reset(): void {
    this.operationsWarned = false;
  }
}
