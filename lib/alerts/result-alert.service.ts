import {
  type BeforeApplicationShutdown,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { type RfsClock, systemClock } from '../rfs.clock';
import { AlertEvaluationScheduler } from './alert-evaluation.scheduler';
import { requireAlertDuration } from './alert-duration';
import type { AlertEvent } from './alert-event';
import { AlertEventFactory } from './alert-event.factory';
import type { AlertMetricsSource } from './alert-metrics-source';
import {
  type AlertPipelineMetrics,
  alertPipelineMetrics,
} from './alert-metrics';
import type { AlertRule, ResolvedAlertRule } from './alert-rule';
import {
  AlertRuleError,
  validateAlertRule,
  validateAlertRules,
} from './alert-rule.validator';
import { type AlertRuleEntry, alertRuleEntry } from './alert-state';
import { AlertEvaluator, describeAlertFailure } from './alert.evaluator';
import { createAlertDispatcher } from './alert-dispatcher.factory';
import { AlertsOptions } from './alerts.options';
import { defaultAlertRules } from './default-alert-rules';
import type { AlertDispatcher } from './notifiers/alert-dispatcher';
import type { AlertNotifier } from './notifiers/alert-notifier';

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
  private readonly evaluator: AlertEvaluator;
  private readonly scheduler: AlertEvaluationScheduler;
  private readonly history: AlertEvent[] = [];
  private listeners: AlertListener[] = [];
  private readonly clock: RfsClock;
  private readonly events: AlertEventFactory;
  private dispatcherInstance: AlertDispatcher | undefined;
  private readonly metrics: AlertPipelineMetrics;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private warnedNoSource = false;

  constructor(private readonly deps: ResultAlertServiceDeps = {}) {
    this.options = { ...new AlertsOptions(), ...(deps.options ?? {}) };
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? new Logger('RfsAlerts');
    this.events = new AlertEventFactory(
      deps.serviceName ?? 'app',
      this.options.instance ?? `${hostname()}:${process.pid}`,
      this.options.dashboardUrl,
    );
    this.scheduler = new AlertEvaluationScheduler(
      requireAlertDuration(
        'alerts.evaluationInterval',
        this.options.evaluationInterval,
      ),
      () => this.evaluation(this.clock.now()),
    );
    this.metrics = alertPipelineMetrics(deps.registry, deps.metricsPrefix);
    this.evaluator = new AlertEvaluator(
      this.events,
      this.options.sampleCorrelationIds,
      this.logger,
    );
    const all = [
      ...(this.options.defaultRules ? defaultAlertRules() : []),
      ...this.options.rules,
    ];
    for (const rule of validateAlertRules(all)) this.put(rule);
  }

  private get rules(): Map<string, AlertRuleEntry> {
    return this.evaluator.rules;
  }

  private get dispatcher(): AlertDispatcher {
    if (this.dispatcherInstance) return this.dispatcherInstance;
    const extra =
      typeof this.deps.notifiers === 'function'
        ? this.deps.notifiers()
        : (this.deps.notifiers ?? []);
    this.dispatcherInstance = createAlertDispatcher({
      configured: this.options.notifiers,
      extra,
      logger: this.logger,
      retryBaseMs: this.options.retryBaseMs,
      retryMaxMs: this.options.retryMaxMs,
      metrics: this.metrics,
    });
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
    for (const s of this.evaluator.states.values()) {
      const entry = this.rules.get(s.rule);
      if (s.firing && entry)
        out.push(this.events.build(entry.rule, s, 'firing', this.clock.now()));
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
    return [...this.evaluator.states.values()]
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
   * One evaluation as a generator that pauses every slice of (rule, operation) steps (see
   * {@link AlertEvaluator.run}), so the timer can spread it over several event-loop turns.
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
    const events = yield* this.evaluator.run(now, source);
    this.publish(events);
    return events;
  }

  /** Starts periodic evaluation (RfsModule calls this at bootstrap). */
  start(): void {
    if (this.deps.disabled) return;
    this.scheduler.start();
  }

  /** Stops periodic evaluation. */
  stop(): void {
    this.scheduler.stop();
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
    this.rules.set(rule.name, alertRuleEntry(rule));
    this.metrics.firing.set({ rule: rule.name, severity: rule.severity }, 0);
  }

  private resolveRule(name: string): void {
    this.publish(this.evaluator.resolveRule(name, this.clock.now()));
  }

  private publish(events: AlertEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) {
      this.history.push(e);
      for (const l of this.listeners) {
        try {
          l(e);
        } catch (err) {
          this.logger.warn(
            `An onAlert listener threw: ${describeAlertFailure(err)}`,
          );
        }
      }
    }
    const excess = this.history.length - this.options.historyLimit;
    if (excess > 0) this.history.splice(0, excess);
    const firing = this.evaluator.firingCounts();
    for (const { rule } of this.rules.values())
      this.metrics.firing.set(
        { rule: rule.name, severity: rule.severity },
        firing.get(rule.name) ?? 0,
      );
    this.dispatcher.dispatch(events);
  }
}
