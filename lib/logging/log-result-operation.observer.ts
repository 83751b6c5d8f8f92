import { CorrelationContext as Correlation } from '../correlation/correlation-context';
import type {
  OperationEvent,
  OperationLogOptions,
} from '../operations/operation-event';
import { OperationHub as Hub } from '../operations/operation-hub';
import { FluxResult as Flux } from '../result/flux-result';
import { MonoResult as Mono } from '../result/mono-result';
import * as runLoop from '../result/mono-result.run-loop';
import { Err as ErrBranch, Ok as OkBranch } from '../result/result';
import { observeFlux } from './flux-observer';

// Hot-path aliases, read once: CommonJS output reaches every imported binding through a
// getter (two for re-exports), which the per-call code would otherwise pay each time.
const CorrelationContext = Correlation;
const OperationHub = Hub;
type OperationHub = Hub;
const FluxResult = Flux;
type FluxResult<T, E> = Flux<T, E>;
const MonoResult = Mono;
type MonoResult<T, E> = Mono<T, E>;
const Err = ErrBranch;
const Ok = OkBranch;
const { isAbort, runMono } = runLoop;

type AnyMono = MonoResult<unknown, unknown>;

// One reference, read once: `performance.now()` through the global getter costs more per call.
const perf = performance;

/** The clock of `@LogResultOperation` (ms, monotonic). */
export function operationClock(): number {
  return perf.now();
}

/**
 * What a `@LogResultOperation` wrapper needs per call, built once at decoration time, plus the
 * current hub's cached answer to "which `ok` events does any listener want" (re-asked when the
 * current hub, its listeners or a logger's level change: {@link OperationHub.version}). Holds
 * no reference to a hub.
 */
export class OperationSpec {
  private version = -1;
  private okAfter = -Infinity;
  private perCall = false;

  constructor(
    readonly operation: string,
    readonly log: OperationLogOptions,
    readonly includeArgs: boolean,
  ) {}

  /** The duration an `ok` event must exceed for a listener of `hub` to want it. */
  okAfterMs(hub: OperationHub): number {
    // a call that outlived its hub (module closed or replaced meanwhile): ask, don't cache
    if (hub !== OperationHub.current())
      return hub.okEventThresholdMs(this.operation, this.log);
    // setCurrent bumps the version, so a matching version was computed for this hub
    if (this.version !== OperationHub.version) {
      this.version = OperationHub.version;
      this.perCall = hub.okEventThresholdPerCall;
      this.okAfter = hub.okEventThresholdMs(this.operation, this.log);
      return this.okAfter;
    }
    return this.perCall
      ? hub.okEventThresholdMs(this.operation, this.log)
      : this.okAfter;
  }
}

/** Empty args of calls whose options do not log them (never mutated). */
export const NO_ARGS: unknown[] = [];

/**
 * Reports what a decorated call returned: a promise when it settles (ONE `.then`, whose
 * handlers rethrow a rejection unchanged), a MonoResult each time it runs, a FluxResult on
 * completion, anything else now. Returns what the caller gets.
 */
export function settle(
  hub: OperationHub,
  spec: OperationSpec,
  start: number,
  args: unknown[],
  out: unknown,
): unknown {
  if (out instanceof Promise) {
    return out.then(
      (value: unknown) => settled(hub, spec, start, args, value),
      (error: unknown) => {
        emitDefect(hub, spec, start, args, error);
        throw error;
      },
    );
  }
  if (out instanceof MonoResult) return wrapMono(spec, args, out as AnyMono);
  if (out instanceof FluxResult) return wrapFlux(spec, args, out);
  if (isThenable(out)) {
    return settle(hub, spec, start, args, Promise.resolve(out));
  }
  emitValue(hub, spec, start, args, out);
  return out;
}

function settled(
  hub: OperationHub,
  spec: OperationSpec,
  start: number,
  args: unknown[],
  value: unknown,
): unknown {
  // the common case first: an Ok needs no other type check
  if (value instanceof Ok) emitOk(hub, spec, start, args, value.value);
  // an async method resolving to a FluxResult is reported when the stream completes
  else if (value instanceof FluxResult) return wrapFlux(spec, args, value);
  else emitValue(hub, spec, start, args, value);
  return value;
}

/** A FluxResult over the same items that reports once per subscription, on completion. */
function wrapFlux(
  spec: OperationSpec,
  args: unknown[],
  flux: FluxResult<unknown, unknown>,
): FluxResult<unknown, unknown> {
  return observeFlux(flux, (outcome, counts, durationMs, error) =>
    emit(OperationHub.current(), {
      operation: spec.operation,
      outcome,
      durationMs,
      source: 'flux',
      error,
      flux: counts,
      args: spec.includeArgs ? args : undefined,
      correlationId: CorrelationContext.getId(),
      log: spec.log,
    }),
  );
}

/**
 * A mono that runs `mono` and reports each run (timed from the run's start). It runs `mono` in
 * the same run context (not through `run(signal)`), so a run under a lazy request signal still
 * creates no AbortController unless a step of `mono` needs one.
 */
function wrapMono(
  spec: OperationSpec,
  args: unknown[],
  mono: AnyMono,
): AnyMono {
  return MonoResult.fromSource<unknown, unknown>((ctx) => {
    const start = operationClock();
    const failed = (error: unknown): never => {
      // a cancellation is not an outcome: nothing to log
      if (!isAbort(ctx, error))
        emitDefect(OperationHub.current(), spec, start, args, error);
      throw error;
    };
    let step: runLoop.Step<unknown, unknown>;
    try {
      step = runMono(mono, ctx);
    } catch (error) {
      return failed(error);
    }
    if (!(step instanceof Promise)) {
      emitValue(OperationHub.current(), spec, start, args, step);
      return step;
    }
    return step.then((r) => {
      emitValue(OperationHub.current(), spec, start, args, r);
      return r;
    }, failed);
  });
}

/** Emits the outcome of a returned value: `err` for an Err, else `ok` (see {@link emitOk}). */
export function emitValue(
  hub: OperationHub | undefined,
  spec: OperationSpec,
  start: number,
  args: unknown[],
  value: unknown,
): void {
  if (hub === undefined) return;
  if (value instanceof Ok) {
    emitOk(hub, spec, start, args, value.value);
  } else if (value instanceof Err) {
    emit(hub, {
      operation: spec.operation,
      outcome: 'err',
      durationMs: operationClock() - start,
      source: 'method',
      error: value.error,
      args: spec.includeArgs ? args : undefined,
      correlationId: CorrelationContext.getId(),
      log: spec.log,
    });
  } else {
    emitOk(hub, spec, start, args, value);
  }
}

/**
 * Emits an `ok` outcome (the Ok's value, or a plain value) only when a listener wants it:
 * below the logger's level with no other listener, the event is not built, and when no slow
 * line is possible either, the end of the call is not even timed.
 */
function emitOk(
  hub: OperationHub,
  spec: OperationSpec,
  start: number,
  args: unknown[],
  value: unknown,
): void {
  const okAfter = spec.okAfterMs(hub);
  if (okAfter === Infinity) return;
  const durationMs = operationClock() - start;
  if (!(durationMs > okAfter)) return;
  emit(hub, {
    operation: spec.operation,
    outcome: 'ok',
    durationMs,
    source: 'method',
    value,
    args: spec.includeArgs ? args : undefined,
    correlationId: CorrelationContext.getId(),
    log: spec.log,
  });
}

/** Emits a thrown exception or rejection as a `defect` (always: defects are always logged). */
export function emitDefect(
  hub: OperationHub | undefined,
  spec: OperationSpec,
  start: number,
  args: unknown[],
  error: unknown,
): void {
  emit(hub, {
    operation: spec.operation,
    outcome: 'defect',
    durationMs: operationClock() - start,
    source: 'method',
    error,
    args: spec.includeArgs ? args : undefined,
    correlationId: CorrelationContext.getId(),
    log: spec.log,
  });
}

function emit(hub: OperationHub | undefined, event: OperationEvent): void {
  if (hub === undefined) return;
  try {
    hub.emit(event);
  } catch {
    // the hub isolates listeners; this guards against a broken hub
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
