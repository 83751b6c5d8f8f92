// Internal (not exported from the package): the sources behind MonoResult's log methods.
import type { Result } from './result';
import type { OperationOutcome } from './outcome';
import { emitResultLog, type ResultLogRecord } from './result-log-sink';
import {
  isAbort,
  now,
  timingOf,
  type RunContext,
  type Source,
  type Step,
} from './mono-result.run-loop';
import type {
  LogPerformanceOptions,
  LogStepOptions,
} from './mono-result.options';

type MutableLogRecord = {
  -readonly [K in keyof ResultLogRecord]: ResultLogRecord[K];
};

/** Runs `src`, also observing defects (sync throws and rejections). */
export function observe<T, E>(
  src: Source<T, E>,
  ctx: RunContext,
  onResult: (r: Result<T, E>, ctx: RunContext) => void,
  onDefect: (error: unknown, ctx: RunContext) => void,
): Step<T, E> {
  let s: Step<T, E>;
  try {
    s = src(ctx);
  } catch (error) {
    onDefect(error, ctx);
    throw error;
  }
  if (s instanceof Promise) {
    return s.then(
      (r) => {
        onResult(r, ctx);
        return r;
      },
      (error: unknown) => {
        onDefect(error, ctx);
        throw error;
      },
    );
  }
  onResult(s, ctx);
  return s;
}

/** Writes one record per run of `src`: its outcome (Errs only when `errorsOnly`) or its defect. */
function observedSource<T, E>(
  src: Source<T, E>,
  record: (outcome: OperationOutcome, error: unknown, ctx: RunContext) => void,
  errorsOnly: boolean,
): Source<T, E> {
  const onResult = (r: Result<T, E>, ctx: RunContext): void => {
    if (r.isErr()) record('err', r.error, ctx);
    else if (!errorsOnly) record('ok', undefined, ctx);
  };
  const onDefect = (error: unknown, ctx: RunContext): void => {
    if (!isAbort(ctx, error)) record('defect', error, ctx);
  };
  return (ctx) => observe(src, ctx, onResult, onDefect);
}

/** The source of {@link MonoResult.logStep}. */
export function logStepSource<T, E>(
  src: Source<T, E>,
  name: string,
  options: LogStepOptions,
): Source<T, E> {
  const level = options.level;
  const record = (
    outcome: OperationOutcome,
    error: unknown,
    ctx: RunContext,
  ): void => {
    const t = now();
    const rec: MutableLogRecord = {
      kind: 'step',
      name,
      outcome,
      durationMs: t - timingOf(ctx).mark,
    };
    timingOf(ctx).mark = t;
    if (outcome !== 'ok') rec.error = error;
    if (level !== undefined) rec.level = level;
    emitResultLog(rec);
  };
  return observedSource(src, record, false);
}

/** The source of {@link MonoResult.logError}. */
export function logErrorSource<T, E>(
  src: Source<T, E>,
  context: unknown,
): Source<T, E> {
  const name = typeof context === 'string' ? context : undefined;
  const record = (
    outcome: OperationOutcome,
    error: unknown,
    ctx: RunContext,
  ): void => {
    const rec: MutableLogRecord = {
      kind: 'error',
      outcome,
      durationMs: now() - timingOf(ctx).start,
      error,
    };
    if (name !== undefined) rec.name = name;
    if (context !== undefined) rec.context = context;
    emitResultLog(rec);
  };
  return observedSource(src, record, true);
}

/** The source of {@link MonoResult.logPerformance} (`slowMs` is checked by the caller). */
export function logPerformanceSource<T, E>(
  src: Source<T, E>,
  name: string,
  options: LogPerformanceOptions,
): Source<T, E> {
  const slowMs = options.slowMs;
  const record = (
    outcome: OperationOutcome,
    error: unknown,
    ctx: RunContext,
  ): void => {
    const durationMs = now() - timingOf(ctx).start;
    const rec: MutableLogRecord = {
      kind: 'performance',
      name,
      outcome,
      durationMs,
    };
    if (outcome !== 'ok') rec.error = error;
    if (slowMs !== undefined) {
      rec.slow = durationMs > slowMs;
      if (rec.slow) rec.level = 'warn';
    }
    emitResultLog(rec);
  };
  return observedSource(src, record, false);
}
