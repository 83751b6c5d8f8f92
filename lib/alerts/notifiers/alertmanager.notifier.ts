import { Logger } from '@nestjs/common';
import { type RfsClock, systemClock } from '../../rfs.clock';
import { requireAlertDuration } from '../alert-duration';
import type { AlertEvent } from '../alert-event';
import type { AlertNotifier } from './alert-notifier';
import {
  postAlertJson,
  requireHttpUrl,
  requireTimeoutMs,
} from './http-delivery';

/** Options of {@link AlertmanagerNotifier}. */
export interface AlertmanagerNotifierOptions {
  /** Base URL of Alertmanager, e.g. `http://alertmanager:9093` (`/api/v2/alerts` is appended). */
  url: string;
  /**
   * How often active alerts are re-sent (default `'1m'`); each send says the alert ends in
   * 4 × this unless re-sent, like Prometheus does, so an alert of a dead instance resolves by
   * itself, and a live one never hits Alertmanager's 5-minute `resolve_timeout`.
   */
  resendInterval?: string;
  /** Time limit of one request in ms (default 5000). */
  timeoutMs?: number;
  /** Extra request headers (e.g. `authorization`). */
  headers?: Record<string, string>;
  /** `generatorURL` when the event has none (e.g. the dashboard URL of this instance). */
  generatorURL?: string;
  /** Time source of `endsAt` (default the system clock). */
  clock?: RfsClock;
  /** Events kept while Alertmanager is down (default 1000). */
  maxQueue?: number;
  /** Notifier name in logs and metrics (default `'alertmanager'`). */
  name?: string;
}

/** One alert of Alertmanager's `POST /api/v2/alerts` body. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

/**
 * Hands alerts to Prometheus Alertmanager (API v2) so grouping, silencing, inhibition and
 * routing happen there. Labels: `alertname`, `operation`, `severity`, `service`, `instance`
 * and the rule's labels. Active alerts are re-sent every `resendInterval`; resolved alerts are
 * sent with `endsAt`.
 *
 * @example
 * RfsModule.forRoot({ alerts: { notifiers: [new AlertmanagerNotifier({ url: 'http://alertmanager:9093' })] } })
 */
export class AlertmanagerNotifier implements AlertNotifier {
  readonly name: string;
  readonly maxQueue: number | undefined;
  private readonly endpoint: string;
  private readonly resendMs: number;
  private readonly timeoutMs: number;
  private readonly clock: RfsClock;
  private readonly active = new Map<string, AlertEvent>();
  private timer: NodeJS.Timeout | undefined;
  private readonly logger = new Logger('RfsAlerts');
  private reportFailure: ((error: unknown) => void) | undefined;

  constructor(private readonly options: AlertmanagerNotifierOptions) {
    requireHttpUrl(
      'AlertmanagerNotifier',
      options.url,
      'http://alertmanager:9093',
    );
    this.endpoint = `${options.url.replace(/\/+$/, '')}/api/v2/alerts`;
    this.resendMs = requireAlertDuration(
      'AlertmanagerNotifier resendInterval',
      options.resendInterval ?? '1m',
    );
    if (this.resendMs <= 0 || this.resendMs >= 300_000)
      throw new Error(
        `AlertmanagerNotifier resendInterval must be more than 0 and under Alertmanager's 5m resolve_timeout, got ${JSON.stringify(options.resendInterval)}`,
      );
    this.timeoutMs = requireTimeoutMs(
      'AlertmanagerNotifier',
      options.timeoutMs,
      5000,
    );
    this.clock = options.clock ?? systemClock;
    this.maxQueue = options.maxQueue;
    this.name = options.name ?? 'alertmanager';
  }

  /** Alerts this notifier keeps re-sending (firing, not yet resolved). */
  activeAlerts(): AlertEvent[] {
    return [...this.active.values()];
  }

  /** Sends `events` (firing or resolved) and remembers firing ones for re-sending. */
  async notify(events: AlertEvent[]): Promise<void> {
    for (const e of events) {
      const key = `${e.instance}\u0000${e.id}`;
      if (e.status === 'firing') this.active.set(key, e);
      else this.active.delete(key);
    }
    this.schedule();
    await this.post(events.map((e) => this.toAlert(e)));
  }

  /** Re-sends every active alert now (also runs every `resendInterval`). */
  async resend(): Promise<void> {
    if (this.active.size === 0) return;
    await this.post([...this.active.values()].map((e) => this.toAlert(e)));
  }

  /** The dispatcher's failure counter, for failed re-sends. */
  attachFailureReporter(report: (error: unknown) => void): void {
    this.reportFailure = report;
  }

  /** Stops re-sending. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The v2 payload entry of one event. */
  toAlert(e: AlertEvent): AlertmanagerAlert {
    const annotations: Record<string, string> = { ...e.annotations };
    annotations.value = String(e.value);
    annotations.threshold = String(e.threshold);
    if (e.sampleCorrelationIds.length > 0)
      annotations.correlation_ids = e.sampleCorrelationIds.join(' ');
    const generatorURL = e.generatorURL ?? this.options.generatorURL;
    return {
      labels: {
        ...e.labels,
        alertname: e.rule,
        operation: e.operation,
        severity: e.severity,
        service: e.service,
        instance: e.instance,
      },
      annotations,
      startsAt: e.startsAt,
      endsAt:
        e.status === 'resolved'
          ? (e.endsAt ?? new Date(this.clock.now()).toISOString())
          : new Date(this.clock.now() + 4 * this.resendMs).toISOString(),
      ...(generatorURL ? { generatorURL } : {}),
    };
  }

  private schedule(): void {
    if (this.active.size === 0) {
      this.close();
      return;
    }
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.resend().catch((err: unknown) => {
        this.reportFailure?.(err);
        this.logger.warn(
          `Alertmanager re-send of ${this.active.size} active alert(s) failed (next try in ${this.resendMs} ms): ${err instanceof Error ? err.message : String(err)}`,
        );
      });
    }, this.resendMs);
    this.timer.unref?.();
  }

  private async post(alerts: AlertmanagerAlert[]): Promise<void> {
    const failure = await postAlertJson({
      label: 'Alertmanager',
      url: this.endpoint,
      body: JSON.stringify(alerts),
      headers: this.options.headers,
      timeoutMs: this.timeoutMs,
    });
    if (failure) throw failure;
  }
}
