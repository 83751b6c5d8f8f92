/**
 * Runs evaluations every `intervalMs` on an unref'd timer, a slice per event-loop turn
 * (requests run in between); an evaluation still going when the next tick comes is not doubled.
 */
export class AlertEvaluationScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Generator<void, unknown, void> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly evaluation: () => Generator<void, unknown, void>,
  ) {}

  /** Starts the timer (no-op when started). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.runInSlices(), this.intervalMs);
    this.timer.unref?.();
  }

  /** Stops the timer and finishes an evaluation in progress so its events are not lost. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const run = this.running;
    this.running = undefined;
    if (run) while (!run.next().done);
  }

  private runInSlices(): void {
    if (this.running) return; // the previous one is still going
    const run = this.evaluation();
    this.running = run;
    const next = (): void => {
      if (this.running !== run) return;
      if (run.next().done) this.running = undefined;
      else setImmediate(next);
    };
    next();
  }
}
