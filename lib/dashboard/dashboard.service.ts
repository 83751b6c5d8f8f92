import {
  Injectable,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { AlertEvent } from '../alerts/alert-event';
import type { AlertRule } from '../alerts/alert-rule';
import type {
  MetricWindow,
  OperationMetrics,
} from '../metrics/operation-metrics';
import type { OperationHistoryPoint } from '../metrics/operation-stats';
import { ResultMetricsCollector } from '../metrics/result-metrics.collector';
import { InjectRfsClock, type RfsClock } from '../rfs.clock';
import { InjectRfsOptions } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import {
  type DashboardAlertsSource,
  InjectDashboardAlertsSource,
} from './dashboard-alerts-source';

/** Process facts shown on the dashboard. */
export interface DashboardSystem {
  /** Seconds since the process started. */
  uptimeSec: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** 99th percentile of event-loop delay over the last minute or so, in ms. */
  eventLoopDelayP99Ms: number;
}

/** The JSON served at `GET <dashboard.path>`. */
export interface DashboardSnapshot {
  service: string;
  /** ISO time of the snapshot (from the RfsClock). */
  generatedAt: string;
  window: MetricWindow;
  /** One entry per known operation, by name. */
  operations: OperationMetrics[];
  /** Per operation: one point per minute of the last 15 minutes (sparklines). */
  history: Record<string, OperationHistoryPoint[]>;
  activeAlerts: AlertEvent[];
  alertRules: AlertRule[];
  system: DashboardSystem;
}

/** Event-loop delay is measured over rolling periods of about this length. */
const LOOP_DELAY_PERIOD_MS = 60_000;

/** Builds dashboard snapshots from the metrics collector and the optional alerts source. */
@Injectable()
export class DashboardService implements OnModuleInit, OnModuleDestroy {
  private loopDelay: IntervalHistogram | undefined;
  private loopDelayResetAt = 0;

  constructor(
    private readonly metrics: ResultMetricsCollector,
    @InjectRfsOptions() private readonly options: RfsModuleOptions,
    @InjectRfsClock() private readonly clock: RfsClock,
    @Optional()
    @InjectDashboardAlertsSource()
    private readonly alerts?: DashboardAlertsSource | null,
  ) {}

  /** Whether the dashboard is served: `dashboard.enabled`, else on outside production. */
  get enabled(): boolean {
    const d = this.options.dashboard;
    if (d === false) return false;
    return d.enabled ?? this.options.environment !== 'production';
  }

  /** Starts measuring event-loop delay (only when the dashboard is on). */
  onModuleInit(): void {
    if (!this.enabled) return;
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.loopDelay.enable();
    this.loopDelayResetAt = Date.now();
  }

  /** Stops the event-loop delay monitor. */
  onModuleDestroy(): void {
    this.loopDelay?.disable();
    this.loopDelay = undefined;
  }

  /** The dashboard's data for `window`. */
  snapshot(window: MetricWindow): DashboardSnapshot {
    const operations = this.metrics.getSummary(window).operations;
    const history: Record<string, OperationHistoryPoint[]> = {};
    for (const m of operations)
      history[m.operation] = this.metrics.getHistory(m.operation);
    return {
      service: this.options.serviceName,
      generatedAt: new Date(this.clock.now()).toISOString(),
      window,
      operations,
      history,
      activeAlerts: [...(this.alerts?.getActiveAlerts() ?? [])],
      alertRules: [...(this.alerts?.getRules() ?? [])],
      system: this.system(),
    };
  }

  private system(): DashboardSystem {
    const mem = process.memoryUsage();
    let p99 = 0;
    const h = this.loopDelay;
    if (h && h.count > 0) {
      p99 = h.percentile(99) / 1e6;
      if (Date.now() - this.loopDelayResetAt > LOOP_DELAY_PERIOD_MS) {
        h.reset();
        this.loopDelayResetAt = Date.now();
      }
    }
    return {
      uptimeSec: Math.round(process.uptime()),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      eventLoopDelayP99Ms: Math.round(p99 * 100) / 100,
    };
  }
}
