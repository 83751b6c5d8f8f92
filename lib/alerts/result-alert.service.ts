import {
  type BeforeApplicationShutdown,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { type RfsClock, systemClock } from '../rfs.clock';
import { requireAlertDuration } from './alert-duration';
import { alertConditionHolds, alertMetricValue } from './alert-condition';
import type { AlertEvent } from './alert-event';
import type { AlertMetricsSource } from './alert-metrics-source';
import {
  type AlertPipelineMetrics,
  alertPipelineMetrics,
} from './alert-metrics';
import type { OperationMetrics } from '../metrics/operation-metrics';
import type { AlertRule, MetricWindow, ResolvedAlertRule } from './alert-rule';
import {
  AlertRuleError,
  validateAlertRule,
  validateAlertRules,
} from './alert-rule.validator';
import { renderAlertTemplate } from './alert-template';
import { AlertsOptions } from './alerts.options';
import { defaultAlertRules } from './default-alert-rules';
import { AlertDispatcher } from './notifiers/alert-dispatcher';
import type { AlertNotifier } from './notifiers/alert-notifier';
import { LogAlertNotifier } from './notifiers/log.notifier';
import { OperationGlob } from './operation-glob';

/** (rule, operation) steps evaluated per event-loop turn by the timer. */
const SLICE_STEPS = 100;

/** What {@link ResultAlertService} is built from (RfsModule fills it from its options). */
export interface ResultAlertServiceDeps {
  /** The `alerts` options (merged over the defaults). */
  options?: Partial<AlertsOptions>;
  /** Service name on events (`serviceName` of RfsModule). */
  serviceName?: string;
  /** Where metrics come from (the metrics collector); without one nothing is evaluated. */
  source?: AlertMetricsSource;
  /** Time source (default the system clock). */
  clock?: RfsClock;
  /**
   * Extra notifiers (the `RFS_ALERT_NOTIFIERS` token) added to `options.notifiers`; a function
   * is called once, at bootstrap or the first notification, whichever comes first.
   */
  notifiers?: readonly AlertNotifier[] | (() => readonly AlertNotifier[]);
  /** When true (the `alerts: false` option) nothing is evaluated or notified. */
  disabled?: boolean;
  /** Registry of `rfs_alerts_firing` and the notification counters (default prom-client's). */
  registry?: Registry;
  /** Metric name prefix (default `'rfs_'`). */
  metricsPrefix?: string;
  /** Logger (default Nest `Logger('RfsAlerts')`). */
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

/** Called with every alert event (firing, re-notified, resolved). */
export type AlertListener = (event: AlertEvent) => void;

interface AlertState {
  readonly rule: string;
  readonly operation: string;
  /** When the condition became true. */
  readonly activeSince: number;
  firing: boolean;
  startsAt: number;
  lastNotifiedAt: number;
  value: number;
  sampleCorrelationIds: string[];
}

interface RuleEntry {
  rule: ResolvedAlertRule;
  glob: OperationGlob;
  forMs: number;
  cooldownMs: number;
}

/**
 * Evaluates alert rules against the per-operation metrics, per (rule, operation):
 * inactive → pending (condition true, `for` not yet elapsed) → firing (notified) → resolved
 * (notified). A still-firing alert is re-notified at most once per `cooldown`. Events go to
 * listeners, the bounded history and, through a queue per notifier, to every notifier.
 * Evaluation runs every `alerts.evaluationInterval` on an unref'd timer from bootstrap to
 * shutdown; `evaluate(now)` runs one evaluation on demand (tests pass the clock's time).
 *
 * @example
 * constructor(private readonly alerts: ResultAlertService) {
 *   alerts.onAlert((e) => console.log(e.status, e.rule, e.operation));
 * }
 */
export class ResultAlertService
  implements
    OnApplicationBootstrap,
    BeforeApplicationShutdown,
    OnApplicationShutdown
{
  private readonly options: AlertsOptions;
  private readonly rules = new Map<string, RuleEntry>();
  private readonly states = new Map<string, AlertState>();
  private readonly history: AlertEvent[] = [];
  private listeners: AlertListener[] = [];
  private readonly clock: RfsClock;
  private dispatcherInstance: AlertDispatcher | undefined;
  private readonly metrics: AlertPipelineMetrics;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private readonly serviceName: string;
  private readonly instance: string;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Generator<void, AlertEvent[], void> | undefined;
  private warnedNoSource = false;

  constructor(private readonly deps: ResultAlertServiceDeps = {}) {
    this.options = { ...new AlertsOptions(), ...(deps.options ?? {}) };
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? new Logger('RfsAlerts');
    this.serviceName = deps.serviceName ?? 'app';
    this.instance = this.options.instance ?? `${hostname()}:${process.pid}`;
    this.intervalMs = requireAlertDuration(
      'alerts.evaluationInterval',
      this.options.evaluationInterval,
    );
    this.metrics = alertPipelineMetrics(deps.registry, deps.metricsPrefix);
    const all = [
      ...(this.options.defaultRules ? defaultAlertRules() : []),
      ...this.options.rules,
    ];
    for (const rule of validateAlertRules(all)) this.put(rule);
  }

  private get dispatcher(): AlertDispatcher {
    if (this.dispatcherInstance) return this.dispatcherInstance;
    const extra =
      typeof this.deps.notifiers === 'function'
        ? this.deps.notifiers()
        : (this.deps.notifiers ?? []);
    const notifiers = [...(this.options.notifiers ?? []), ...extra];
    // Log by default; an explicit `notifiers: []` means "none".
    if (this.options.notifiers === undefined && extra.length === 0)
      notifiers.push(new LogAlertNotifier());
    this.dispatcherInstance = new AlertDispatcher(notifiers, {
      logger: this.logger,
      retryBaseMs: this.options.retryBaseMs,
      retryMaxMs: this.options.retryMaxMs,
      onFailure: (name) => this.metrics.failed.inc({ notifier: name }),
      onDrop: (name, n) => this.metrics.dropped.inc({ notifier: name }, n),
    });
    for (const name of new Set(notifiers.map((n) => n.name))) {
      this.metrics.failed.inc({ notifier: name }, 0);
      this.metrics.dropped.inc({ notifier: name }, 0);
    }
    return this.dispatcherInstance;
  }

  /** The notifiers events are delivered to. */
  getNotifiers(): AlertNotifier[] {
    return this.dispatcher.notifiers;
  }

  /** Every rule with defaults applied (enabled and disabled). */
  getRules(): ResolvedAlertRule[] {
    return [...this.rules.values()].map((e) => structuredClone(e.rule));
  }

  /** Same as {@link getRules} (the dashboard's alerts source reads this). */
  getAlertRules(): ResolvedAlertRule[] {
    return this.getRules();
  }

  /** Adds a rule; throws {@link AlertRuleError} naming the field when invalid or the name is taken. */
  addRule(rule: AlertRule): ResolvedAlertRule {
    const resolved = validateAlertRule(rule);
    if (this.rules.has(resolved.name))
      throw new AlertRuleError(`'${resolved.name}'`, [
        'name must be unique; a rule with this name exists (removeRule it first)',
      ]);
    this.put(resolved);
    return structuredClone(resolved);
  }

  /** Removes a rule; its firing alerts resolve (and are notified). Returns whether it existed. */
  removeRule(name: string): boolean {
    const entry = this.rules.get(name);
    if (!entry) return false;
    this.resolveRule(name);
    this.rules.delete(name);
    this.metrics.firing.remove({ rule: name, severity: entry.rule.severity });
    return true;
  }

  /** Enables a rule. Returns whether it exists. */
  enableRule(name: string): boolean {
    const entry = this.rules.get(name);
    if (!entry) return false;
    entry.rule.enabled = true;
    return true;
  }

  /** Disables a rule; its firing alerts resolve (and are notified). Returns whether it exists. */
  disableRule(name: string): boolean {
    const entry = this.rules.get(name);
    if (!entry) return false;
    entry.rule.enabled = false;
    this.resolveRule(name);
    return true;
  }

  /** Subscribes to alert events; returns the unsubscribe function. */
  onAlert(listener: AlertListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Alerts currently firing (as their latest firing event). */
  getActiveAlerts(): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (const s of this.states.values()) {
      const entry = this.rules.get(s.rule);
      if (s.firing && entry)
        out.push(this.event(entry.rule, s, 'firing', this.clock.now()));
    }
    return out;
  }

  /** Conditions currently true whose `for` has not elapsed yet. */
  getPendingAlerts(): {
    rule: string;
    operation: string;
    since: string;
    value: number;
  }[] {
    return [...this.states.values()]
      .filter((s) => !s.firing)
      .map((s) => ({
        rule: s.rule,
        operation: s.operation,
        since: new Date(s.activeSince).toISOString(),
        value: s.value,
      }));
  }

  /** The last `limit` events, newest first (at most `alerts.historyLimit` are kept). */
  getHistory(limit = this.options.historyLimit): AlertEvent[] {
    return this.history.slice(-Math.max(0, limit)).reverse();
  }

  /** Events waiting for delivery, per notifier. */
  getPendingNotifications(): Record<string, number> {
    return this.dispatcher.pending();
  }

  /**
   * Runs one evaluation at `now` (default the clock's time) and returns the events it
   * produced. Never throws: a failing rule is logged and skipped.
   */
  evaluate(now: number = this.clock.now()): AlertEvent[] {
    const run = this.evaluation(now);
    let r = run.next();
    while (!r.done) r = run.next();
    return r.value;
  }

  /**
   * One evaluation as a generator that pauses every {@link SLICE_STEPS} (rule, operation)
   * steps, so the timer can spread a large evaluation over several event-loop turns.
   */
  private *evaluation(now: number): Generator<void, AlertEvent[], void> {
    const source = this.deps.source;
    if (this.deps.disabled) return [];
    if (!source) {
      if (!this.warnedNoSource) {
        this.warnedNoSource = true;
        this.logger.warn(
          'Alert rules are not evaluated: no metrics source (enable the `metrics` section of RfsModule).',
        );
      }
      return [];
    }
    const events: AlertEvent[] = [];
    let operations: readonly string[];
    try {
      operations = source.getOperations();
    } catch (err) {
      this.logger.error(
        `Alert evaluation could not list operations: ${describe(err)}`,
      );
      return [];
    }
    const seen = new Set<string>();
    // Rules sharing a window read each operation's metrics once per evaluation.
    const memo = new Map<string, OperationMetrics>();
    const metricsOf = (op: string, window: MetricWindow): OperationMetrics => {
      const k = `${window}\u0000${op}`;
      let m = memo.get(k);
      if (!m) memo.set(k, (m = source.getOperationMetrics(op, window)));
      return m;
    };
    let steps = 0;
    for (const entry of [...this.rules.values()]) {
      // A sliced evaluation may see a rule removed or disabled between two slices.
      if (!entry.rule.enabled || this.rules.get(entry.rule.name) !== entry)
        continue;
      for (const op of operations) {
        if (!entry.glob.matches(op)) continue;
        const key = stateKey(entry.rule.name, op);
        seen.add(key);
        try {
          this.step(entry, op, key, now, source, metricsOf, events);
        } catch (err) {
          this.logger.error(
            `Alert rule '${entry.rule.name}' failed on ${op}: ${describe(err)}`,
          );
        }
        if (++steps % SLICE_STEPS === 0) {
          yield;
          if (!entry.rule.enabled || this.rules.get(entry.rule.name) !== entry)
            break;
        }
      }
    }
    // Alerts whose operation is gone (or no longer matches) resolve.
    for (const [key, s] of this.states) {
      if (seen.has(key)) continue;
      const entry = this.rules.get(s.rule);
      this.states.delete(key);
      if (s.firing && entry)
        events.push(this.event(entry.rule, s, 'resolved', now));
    }
    this.publish(events);
    return events;
  }

  /** Timer path: runs an evaluation a slice per event-loop turn (requests run in between). */
  private evaluateInSlices(): void {
    if (this.running) return; // the previous one is still going
    const run = this.evaluation(this.clock.now());
    this.running = run;
    const next = (): void => {
      if (this.running !== run) return;
      if (run.next().done) this.running = undefined;
      else setImmediate(next);
    };
    next();
  }

  /** Starts periodic evaluation (RfsModule calls this at bootstrap). */
  start(): void {
    if (this.timer || this.deps.disabled) return;
    this.timer = setInterval(() => this.evaluateInSlices(), this.intervalMs);
    this.timer.unref?.();
  }

  /** Stops periodic evaluation. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // Finish an evaluation in progress so its events are not lost.
    const run = this.running;
    this.running = undefined;
    if (run) while (!run.next().done);
  }

  /**
   * Stops evaluating and delivers pending notifications within `alerts.shutdownFlushMs`;
   * what is still undelivered then is logged and counted as dropped.
   */
  async shutdown(): Promise<void> {
    this.stop();
    await this.dispatcherInstance?.close(this.options.shutdownFlushMs);
  }

  /** @internal Nest lifecycle: start the evaluation timer. */
  onApplicationBootstrap(): void {
    if (this.deps.disabled) return;
    this.getNotifiers();
    this.start();
  }

  /** @internal Nest lifecycle: stop the timer before servers close. */
  beforeApplicationShutdown(): void {
    this.stop();
  }

  /** @internal Nest lifecycle: flush notifications. */
  async onApplicationShutdown(): Promise<void> {
    await this.shutdown();
  }

  private put(rule: ResolvedAlertRule): void {
    this.rules.set(rule.name, {
      rule,
      glob: new OperationGlob(rule.operation),
      forMs: requireAlertDuration(`alert rule '${rule.name}' for`, rule.for),
      cooldownMs: requireAlertDuration(
        `alert rule '${rule.name}' cooldown`,
        rule.cooldown,
      ),
    });
    this.metrics.firing.set({ rule: rule.name, severity: rule.severity }, 0);
  }

  private step(
    entry: RuleEntry,
    op: string,
    key: string,
    now: number,
    source: AlertMetricsSource,
    metricsOf: (op: string, window: MetricWindow) => OperationMetrics,
    events: AlertEvent[],
  ): void {
    const { rule } = entry;
    const m = metricsOf(op, rule.window);
    const value = alertMetricValue(rule, m);
    const holds =
      m.total >= rule.minSamples &&
      alertConditionHolds(rule.condition, value, rule.threshold);
    let s = this.states.get(key);
    if (!holds) {
      if (s) {
        this.states.delete(key);
        s.value = value;
        if (s.firing) events.push(this.event(rule, s, 'resolved', now));
      }
      return;
    }
    if (!s) {
      s = {
        rule: rule.name,
        operation: op,
        activeSince: now,
        firing: false,
        startsAt: now,
        lastNotifiedAt: now,
        value,
        sampleCorrelationIds: [],
      };
      this.states.set(key, s);
    }
    s.value = value;
    const due = s.firing
      ? now - s.lastNotifiedAt >= entry.cooldownMs
      : now - s.activeSince >= entry.forMs;
    if (!due) return;
    if (!s.firing) {
      s.firing = true;
      s.startsAt = now;
    }
    s.lastNotifiedAt = now;
    s.sampleCorrelationIds = this.samples(source, op, rule);
    events.push(this.event(rule, s, 'firing', now));
  }

  private samples(
    source: AlertMetricsSource,
    op: string,
    rule: ResolvedAlertRule,
  ): string[] {
    const limit = this.options.sampleCorrelationIds;
    if (limit <= 0) return [];
    try {
      return [...source.getSampleCorrelationIds(op, rule.window, limit)];
    } catch {
      return [];
    }
  }

  private resolveRule(name: string): void {
    const entry = this.rules.get(name);
    if (!entry) return;
    const now = this.clock.now();
    const events: AlertEvent[] = [];
    for (const [key, s] of this.states) {
      if (s.rule !== name) continue;
      this.states.delete(key);
      if (s.firing) events.push(this.event(entry.rule, s, 'resolved', now));
    }
    this.publish(events);
  }

  private event(
    rule: ResolvedAlertRule,
    s: AlertState,
    status: 'firing' | 'resolved',
    now: number,
  ): AlertEvent {
    const values = {
      operation: s.operation,
      value: s.value,
      threshold: rule.threshold,
      rule: rule.name,
    };
    const annotations: Record<string, string> = {};
    if (rule.annotations.summary)
      annotations.summary = renderAlertTemplate(
        rule.annotations.summary,
        values,
      );
    if (rule.annotations.description)
      annotations.description = renderAlertTemplate(
        rule.annotations.description,
        values,
      );
    return {
      id: stateKey(rule.name, s.operation),
      rule: rule.name,
      operation: s.operation,
      severity: rule.severity,
      status,
      value: s.value,
      threshold: rule.threshold,
      startsAt: new Date(s.startsAt).toISOString(),
      ...(status === 'resolved' ? { endsAt: new Date(now).toISOString() } : {}),
      evaluatedAt: new Date(now).toISOString(),
      labels: {
        ...rule.labels,
        alertname: rule.name,
        operation: s.operation,
        severity: rule.severity,
      },
      annotations,
      sampleCorrelationIds: [...s.sampleCorrelationIds],
      service: this.serviceName,
      instance: this.instance,
      ...(this.options.dashboardUrl
        ? { generatorURL: this.options.dashboardUrl }
        : {}),
    };
  }

  private publish(events: AlertEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) {
      this.history.push(e);
      for (const l of this.listeners) {
        try {
          l(e);
        } catch (err) {
          this.logger.warn(`An onAlert listener threw: ${describe(err)}`);
        }
      }
    }
    const excess = this.history.length - this.options.historyLimit;
    if (excess > 0) this.history.splice(0, excess);
    const firing = new Map<string, number>();
    for (const s of this.states.values())
      if (s.firing) firing.set(s.rule, (firing.get(s.rule) ?? 0) + 1);
    for (const { rule } of this.rules.values())
      this.metrics.firing.set(
        { rule: rule.name, severity: rule.severity },
        firing.get(rule.name) ?? 0,
      );
    this.dispatcher.dispatch(events);
  }
}

function stateKey(rule: string, operation: string): string {
  return `${rule}:${operation}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
