import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import { CorrelationContext } from '../correlation/correlation-context';
import {
  type CorrelationRejection,
  CorrelationRejections,
} from '../correlation/correlation-rejections';
import type {
  OperationEvent,
  OperationListener,
} from '../operations/operation-event';
import { OperationHub } from '../operations/operation-hub';
import type { OperationOutcome } from '../result/outcome';
import { InjectRfsClock, type RfsClock } from '../rfs.clock';
import { InjectRfsOptions } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import { HttpSeries } from './http-series';
import { RFS_METRICS_REGISTRY } from './metrics.constants';
import { MetricsOptions } from './metrics.options';
import type { MetricWindow, OperationMetrics } from './operation-metrics';
import {
  OperationStats,
  type OperationHistoryPoint,
  emptyOperationMetrics,
} from './operation-stats';
import {
  type RfsPromMetrics,
  createRfsPromMetrics,
  loadPromClient,
  onCounterRead,
} from './prometheus-metrics';
import {
  OVERFLOW_LABEL,
  ResultMetricsCardinality,
} from './result-metrics.cardinality';
import {
  errorCodeOf,
  isInternalOperation,
  isInternalOperationName,
} from './result-metrics.events';
import {
  errorCodeSeries,
  flushOperationSeries,
  operationSeries,
  resetRfsPromMetrics,
  zeroCorrelationRejections,
  zeroOperationSeries,
} from './result-metrics.prometheus';
import {
  type MetricsSummary,
  summarizeOperations,
} from './result-metrics.summary';
import { WINDOW_LAYOUTS, isMetricWindow } from './window-ring';

export { OVERFLOW_LABEL } from './result-metrics.cardinality';
export type { MetricsSummary } from './result-metrics.summary';

/** Options of {@link ResultMetricsCollector.record}. */
export interface RecordOptions {
  /** Error code of an `err` outcome (`RfsError.code`). */
  errorCode?: string;
  /** Correlation id of the operation (default: the current one), kept for failing operations. */
  correlationId?: string;
}

/**
 * Per-operation metrics of nestjs-rfs. Listens to the {@link OperationHub} (one timing per
 * operation, shared with the Result logger), exports Prometheus series through prom-client and
 * keeps sliding windows (1m, 5m, 15m, 1h) of counts and DDSketch percentiles in bounded memory
 * for the dashboard and the alerts.
 *
 * @example
 * ```ts
 * constructor(private readonly metrics: ResultMetricsCollector) {}
 * this.metrics.record('orders.create', 'err', 12.5, { errorCode: 'CONFLICT' });
 * this.metrics.getOperationMetrics('orders.create', '5m').p95Ms;
 * ```
 */
@Injectable()
export class ResultMetricsCollector
  implements OperationListener, OnModuleInit, OnModuleDestroy
{
  private readonly logger = new Logger('RfsMetrics');
  private readonly ops = new Map<string, OperationStats>();
  private readonly prom: RfsPromMetrics | undefined;
  private readonly cardinality: ResultMetricsCardinality;
  private removeListener: (() => void) | undefined;
  private removeRejections: (() => void) | undefined;
  /** Set while `rfs_operations_total` increments are handed over at each read. */
  private removeFlush: (() => void) | undefined;
  /** @internal HTTP RED series (undefined with `metrics: false`); ResultExceptionFilter's too. */
  readonly httpSeries: HttpSeries | undefined;

  constructor(
    @InjectRfsOptions() options: RfsModuleOptions,
    @InjectRfsClock() private readonly clock: RfsClock,
    @Optional() private readonly hub?: OperationHub,
    @Optional() @Inject(RFS_METRICS_REGISTRY) registry?: Registry,
  ) {
    const metrics = options.metrics || new MetricsOptions();
    this.cardinality = new ResultMetricsCardinality(
      metrics.maxOperations,
      metrics.maxErrorCodes,
      this.logger,
    );
    if (options.metrics !== false) {
      const client = loadPromClient();
      this.prom = createRfsPromMetrics(
        client,
        registry ?? client.register,
        options.metrics,
      );
      this.httpSeries = new HttpSeries(this.prom);
      this.removeFlush = onCounterRead(this.prom.operations, () =>
        this.flush(),
      );
    }
  }

  /** Registers with the operation hub; declared operations get their zero series. */
  onModuleInit(): void {
    // Idempotent: Nest runs init hooks again on moduleRef.init() then app.init().
    if (this.hub && this.removeListener === undefined)
      this.removeListener = this.hub.addListener(this);
    const rejections = this.prom?.correlationRejections;
    if (rejections && this.removeRejections === undefined) {
      zeroCorrelationRejections(this.prom!);
      this.removeRejections = CorrelationRejections.subscribe(
        (r: CorrelationRejection) => rejections.inc({ source: r.source }),
      );
    }
  }

  /** Stops listening. */
  onModuleDestroy(): void {
    // Later records (shutdown hooks) go straight to prom-client.
    this.flush();
    this.removeFlush?.();
    this.removeFlush = undefined;
    this.httpSeries?.close();
    this.removeListener?.();
    this.removeListener = undefined;
    this.removeRejections?.();
    this.removeRejections = undefined;
  }

  /** The prom-client registry the series live in (undefined with `metrics: false`). */
  get registry(): Registry | undefined {
    return this.prom?.registry;
  }

  /** {@link OperationListener}: records a finished operation (and its HTTP facts). */
  onOperation(event: OperationEvent): void {
    try {
      if (isInternalOperation(event)) return;
      const outcome = event.outcome;
      this.record(event.operation, outcome, event.durationMs, {
        errorCode: outcome === 'err' ? errorCodeOf(event.error) : undefined,
        correlationId: event.correlationId,
      });
      if (event.flux) this.recordFlux(event.operation, event.flux);
      const http = event.http;
      if (http && this.httpSeries)
        this.httpSeries.record(
          http.method,
          http.route,
          http.status,
          Math.max(0, event.durationMs) / 1000,
        );
    } catch (e) {
      this.logger.error(`Could not record operation metrics: ${String(e)}`);
    }
  }

  /** {@link OperationListener}: exports the operation's `{operation, outcome}` series at 0. */
  onOperationDeclared(operation: string): void {
    if (isInternalOperationName(operation)) return;
    this.stats(operation);
  }

  /**
   * Records one finished operation: Prometheus series and every window, visible immediately.
   * Never throws.
   */
  record(
    operation: string,
    outcome: OperationOutcome,
    durationMs: number,
    options?: RecordOptions,
  ): void {
    try {
      const stats = this.stats(operation);
      const ms = durationMs > 0 && Number.isFinite(durationMs) ? durationMs : 0;
      let code: string | undefined;
      if (outcome === 'err')
        code = this.cardinality.errorCode(stats, options?.errorCode);
      const now = this.clock.now();
      stats.add(
        now,
        outcome,
        ms,
        outcome === 'ok'
          ? undefined
          : outcome === 'defect'
            ? 'defect'
            : (code ?? 'UNKNOWN'),
      );
      if (outcome !== 'ok') {
        const id = options?.correlationId ?? CorrelationContext.getId();
        if (id !== undefined) stats.addFailure(now, id);
      }
      const prom = this.prom;
      if (prom) {
        const children = (stats.prom ??= operationSeries(
          prom,
          stats.operation,
        ));
        const i = outcome === 'ok' ? 0 : outcome === 'err' ? 1 : 2;
        const series =
          code === undefined
            ? children.counters[i]
            : errorCodeSeries(prom, children, stats.operation, code);
        // The counter takes the increment at its next read (scrape or get()): one label hash
        // less per call. Without the read hook (a counter made elsewhere) it is incremented now.
        if (this.removeFlush) series.pending++;
        else series.child.inc();
        children.durations[i].observe(ms / 1000);
      }
    } catch (e) {
      this.logger.error(`Could not record operation metrics: ${String(e)}`);
    }
  }

  /** Records the item counts of a finished FluxResult stream. Never throws. */
  recordFlux(operation: string, items: { ok: number; err: number }): void {
    try {
      const stats = this.stats(operation);
      const ok = Math.max(0, items.ok) || 0;
      const err = Math.max(0, items.err) || 0;
      stats.addFlux(this.clock.now(), ok, err);
      if (this.prom) {
        const c = this.prom.fluxItems;
        c.inc({ operation: stats.operation, outcome: 'ok' }, ok);
        c.inc({ operation: stats.operation, outcome: 'err' }, err);
      }
    } catch (e) {
      this.logger.error(`Could not record flux metrics: ${String(e)}`);
    }
  }

  /** Windowed statistics of `operation` (zeros for an unknown operation). */
  getOperationMetrics(
    operation: string,
    window: MetricWindow = '5m',
  ): OperationMetrics {
    const w = this.checkWindow(window);
    const stats = this.ops.get(operation);
    return stats
      ? stats.metrics(this.clock.now(), w)
      : emptyOperationMetrics(operation, w);
  }

  /** Totals over every operation and each operation's metrics in `window`. */
  getSummary(window: MetricWindow = '5m'): MetricsSummary {
    const w = this.checkWindow(window);
    const operations = this.getOperations().map((op) =>
      this.getOperationMetrics(op, w),
    );
    return summarizeOperations(w, operations);
  }

  /** Names of every known operation (declared or recorded), sorted. */
  getOperations(): string[] {
    return [...this.ops.keys()].sort();
  }

  /**
   * Correlation ids of the most recent failing (err or defect) operations in `window`, newest
   * first, at most `limit` (and at most 20 are kept per operation).
   */
  getSampleCorrelationIds(
    operation: string,
    window: MetricWindow = '5m',
    limit = 5,
  ): string[] {
    const w = this.checkWindow(window);
    const stats = this.ops.get(operation);
    const lengthMs = WINDOW_LAYOUTS.find((l) => l.window === w)!.lengthMs;
    return stats ? stats.failures(this.clock.now(), lengthMs, limit) : [];
  }

  /** Per-minute throughput, error rate and p95 of the last 15 minutes (dashboard sparklines). */
  getHistory(operation: string): OperationHistoryPoint[] {
    const stats = this.ops.get(operation);
    return stats
      ? stats.history(this.clock.now())
      : new OperationStats(operation).history(this.clock.now());
  }

  /**
   * Forgets every window and resets the Prometheus series; known operations keep their zero
   * series.
   */
  reset(): void {
    const known = [...this.ops.keys()];
    this.ops.clear();
    this.cardinality.reset();
    if (this.prom) resetRfsPromMetrics(this.prom);
    this.httpSeries?.clear();
    for (const op of known) this.stats(op);
  }

  private checkWindow(window: unknown): MetricWindow {
    if (!isMetricWindow(window))
      throw new RangeError(
        `window must be one of '1m', '5m', '15m', '1h', got ${JSON.stringify(window)}`,
      );
    return window;
  }

  /** The stats of `operation`, created (with zero series) on first sight, or `__other__`. */
  private stats(operation: string): OperationStats {
    const known = this.ops.get(operation);
    if (known) return known;
    let name = operation;
    if (!this.cardinality.admitsOperation(operation, this.ops.size)) {
      name = OVERFLOW_LABEL;
      const other = this.ops.get(name);
      if (other) return other;
    }
    const stats = new OperationStats(name);
    this.ops.set(name, stats);
    if (this.prom) zeroOperationSeries(this.prom, name);
    return stats;
  }

  /** Hands the counted increments to prom-client (run before every read of the counter). */
  private flush(): void {
    flushOperationSeries(this.ops.values());
  }
}
