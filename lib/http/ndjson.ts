import { Readable } from 'node:stream';
import type { Subscription } from 'rxjs';
import { isResult } from '../result/result';
import type { ProblemDetailsFactory } from './problem-details';
import type { FluxResult } from '../result/flux-result';
import type { FluxResponseOptions } from './flux-response.decorator';

/** Content type of NDJSON responses. */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** Receives the end of an NDJSON stream. */
export interface NdjsonListener {
  /** `defect` is the stream's error notification, if any; `aborted` when the client left. */
  ndjsonDone(
    counts: { ok: number; err: number },
    defect: unknown,
    aborted: boolean,
  ): void;
}

/**
 * A Readable that writes one JSON line per FluxResult item as items arrive:
 * `{"ok":true,"value":…}` or `{"ok":false,"error":{problem}}`. A defect (the stream's error, or a
 * value JSON cannot encode) ends the stream with a generic 500 problem line. Subscribes on the
 * first read and unsubscribes when destroyed (client gone).
 */
export class NdjsonStream extends Readable {
  private subscription?: Subscription;
  private started = false;
  private finished = false;
  private ok = 0;
  private err = 0;

  constructor(
    private readonly flux: FluxResult<unknown, unknown>,
    private readonly problems: ProblemDetailsFactory,
    private readonly listener: NdjsonListener,
    /** `instance` and `correlationId` of the request, captured while its context is active. */
    private readonly context: {
      instance?: string;
      correlationId?: string;
    } = {},
  ) {
    super();
  }

  override _read(): void {
    if (this.started) return;
    this.started = true;
    this.subscription = this.flux.toObservable().subscribe(this);
  }

  /** Observer: one line per item. */
  next(item: unknown): void {
    if (this.finished) return;
    let line: string;
    try {
      if (isResult(item)) {
        if (item.isOk()) {
          line = JSON.stringify({ ok: true, value: item.value ?? null });
        } else {
          line = JSON.stringify({
            ok: false,
            error: this.problems.create(item.error, this.context).body,
          });
        }
      } else {
        line = JSON.stringify({ ok: true, value: item ?? null });
      }
    } catch (cause) {
      this.error(cause);
      return;
    }
    if (isResult(item) && item.isErr()) this.err++;
    else this.ok++;
    this.push(`${line}\n`);
  }

  /** Observer: a defect ends the stream with a generic problem line. */
  error(defect: unknown): void {
    if (this.finished) return;
    const body = this.problems.create(defect, {}, true).body;
    this.push(`${JSON.stringify({ ok: false, error: body })}\n`);
    this.end(defect, false);
  }

  /** Observer: the stream is over. */
  complete(): void {
    this.end(undefined, false);
  }

  override _destroy(
    error: Error | null,
    callback: (error?: Error | null) => void,
  ): void {
    this.subscription?.unsubscribe();
    if (!this.finished) {
      this.finished = true;
      this.listener.ndjsonDone({ ok: this.ok, err: this.err }, undefined, true);
    }
    callback(error);
  }

  private end(defect: unknown, aborted: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.push(null);
    this.listener.ndjsonDone({ ok: this.ok, err: this.err }, defect, aborted);
  }
}

/**
 * How a FluxResult is answered: the route's `@FluxResponse` options, switched to NDJSON when
 * the client's `Accept` header asks for it.
 *
 * @internal shared by ResultInterceptor and the handler pipeline
 */
export function negotiatedFluxOptions(
  flux: Readonly<FluxResponseOptions>,
  accept: unknown,
): Readonly<FluxResponseOptions> {
  if (flux.mode === 'ndjson') return flux;
  return typeof accept === 'string' && accept.includes(NDJSON_CONTENT_TYPE)
    ? { ...flux, mode: 'ndjson' }
    : flux;
}
