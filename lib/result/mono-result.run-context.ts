// Internal (not exported from the package): the state of one MonoResult run — its (possibly
// lazy) cancellation signal and its timing marks.
import {
  NEVER_ABORTED,
  signalOf,
  type LazyAbortSignal,
} from './mono-result.ambient-signal';

/** Time marks of one run, shared by every step of that run (see `logStep`). */
export interface RunTiming {
  /** `performance.now()` when the run (or its first logged mono) started. */
  readonly start: number;
  /** When the previous logged step ended (or `start`). */
  mark: number;
}

/**
 * State of one run: the cancellation signal and the timing marks. A run under a
 * {@link LazyAbortSignal} creates its signal only when a step reads `signal`; `aborted` and
 * `reason` check for an abort without creating it.
 */
export class RunContext {
  /** The run's signal once known (always for a run with a signal; see {@link signal}). */
  known: AbortSignal | undefined;
  /** Called once when a lazy run first creates its signal (`runWithSignal` listens then). */
  onSignal: ((signal: AbortSignal) => void) | undefined = undefined;

  constructor(
    signal: AbortSignal | undefined,
    private readonly lazy: LazyAbortSignal | undefined,
    /**
     * Set when a mono with log methods starts running: reading the clock costs more than a
     * whole synchronous chain, so runs without logging never do.
     */
    public timing: RunTiming | undefined,
  ) {
    this.known = signal;
  }

  /** The run's signal (creates a lazy one). */
  get signal(): AbortSignal {
    const s = this.known;
    return s !== undefined ? s : this.create();
  }

  /** Whether the run's signal aborted (a lazy one is created only if it did). */
  get aborted(): boolean {
    const s = this.known;
    if (s !== undefined) return s.aborted;
    return this.lazy!.aborted && this.create().aborted;
  }

  /** The abort reason (read it once `aborted` is true). */
  get reason(): unknown {
    return this.signal.reason;
  }

  private create(): AbortSignal {
    const s = signalOf(this.lazy!);
    this.known = s;
    const listen = this.onSignal;
    if (listen !== undefined) {
      this.onSignal = undefined;
      listen(s);
    }
    return s;
  }
}

/**
 * Calls a thunk with the run's signal; one declared without parameters (`fn.length === 0`) is
 * called without it when the run has not created its signal yet (a lazy source stays unread).
 */
export function callThunk<R>(
  fn: (signal: AbortSignal) => R,
  ctx: RunContext,
): R {
  const signal = ctx.known;
  if (signal !== undefined) return fn(signal);
  return fn.length === 0 ? (fn as () => R)() : fn(ctx.signal);
}

export function newContext(
  signal: AbortSignal,
  timing: RunTiming | undefined = undefined,
): RunContext {
  return new RunContext(signal, undefined, timing);
}

/** The context of a run under a {@link LazyAbortSignal} (its signal is created on first read). */
export function lazyContext(source: LazyAbortSignal): RunContext {
  return new RunContext(undefined, source, undefined);
}

/**
 * The context of runs without a signal and without log methods: nothing in it changes, so
 * they share it (a run that meets a logged mono switches to a fresh one, see `runMono`).
 */
export const FREE_RUN: RunContext = newContext(NEVER_ABORTED);

/** The run's timing marks (started now if no logged mono started them yet). */
export function timingOf(ctx: RunContext): RunTiming {
  if (ctx.timing !== undefined) return ctx.timing;
  const timing = startTiming();
  if (ctx !== FREE_RUN) ctx.timing = timing;
  return timing;
}

export function startTiming(): RunTiming {
  const t = now();
  return { start: t, mark: t };
}

export const now = (): number => performance.now();
