import { CorrelationContext } from '../correlation/correlation-context';
import type { OperationEvent } from '../operations/operation-event';
import { isResult } from '../result/result';
import type { RfsLogLevel } from './log-levels';
import type { LineInput } from './result-log-line.builder';

/** The operation event of `ResultLogger.completeOperation` (one timing for the line and metrics). */
export function eventOf(
  operation: string,
  result: unknown,
  durationMs: number,
  defect: boolean,
  metadata: Readonly<Record<string, unknown>> | undefined,
): OperationEvent {
  const correlationId = CorrelationContext.getId();
  if (defect) {
    return {
      operation,
      outcome: 'defect',
      durationMs,
      source: 'method',
      error: result,
      correlationId,
      metadata,
    };
  }
  if (isResult(result) && result.isErr()) {
    return {
      operation,
      outcome: 'err',
      durationMs,
      source: 'method',
      error: result.error,
      correlationId,
      metadata,
    };
  }
  return {
    operation,
    outcome: 'ok',
    durationMs,
    source: 'method',
    value: isResult(result) && result.isOk() ? result.value : result,
    correlationId,
    metadata,
  };
}

/**
 * The line of `logResult`/`logStep`: Ok (its value) or Err (its error) of a Result; anything
 * else is an Ok value.
 */
export function outcomeLine(
  operation: string,
  step: string | undefined,
  result: unknown,
  options: {
    readonly durationMs?: number;
    readonly metadata?: Readonly<Record<string, unknown>>;
    readonly level?: RfsLogLevel;
  },
): LineInput {
  const durationMs = options.durationMs ?? 0;
  const log = options.level ? { level: options.level } : undefined;
  if (isResult(result) && result.isErr()) {
    return {
      operation,
      step,
      outcome: 'err',
      durationMs,
      error: result.error,
      metadata: options.metadata,
      log,
    };
  }
  return {
    operation,
    step,
    outcome: 'ok',
    durationMs,
    value: isResult(result) && result.isOk() ? result.value : result,
    metadata: options.metadata,
    log,
  };
}
