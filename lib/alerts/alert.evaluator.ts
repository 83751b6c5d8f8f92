import type { Logger } from '@nestjs/common';
import type { OperationMetrics } from '../metrics/operation-metrics';
import { alertConditionHolds, alertMetricValue } from './alert-condition';
import type { AlertEvent } from './alert-event';
import type { AlertEventFactory } from './alert-event.factory';
import type { AlertMetricsSource } from './alert-metrics-source';
import type { MetricWindow, ResolvedAlertRule } from './alert-rule';
import {
  type AlertRuleEntry,
  type AlertState,
  alertStateKey,
} from './alert-state';

/** (rule, operation) steps evaluated before an evaluation pauses (see {@link AlertEvaluator.run}). */
const SLICE_STEPS = 100;

/**
 * The per-(rule, operation) state machine: inactive → pending (condition true, `for` not yet
 * elapsed) → firing → resolved, re-firing a still-firing alert at most once per `cooldown`.
 * It owns the rules and the states and returns events; publishing them is the caller's job.
 */
export class AlertEvaluator {
  /** Rules by name (enabled and disabled). */
  readonly rules = new Map<string, AlertRuleEntry>();
  /** Pending and firing states by {@link alertStateKey}. */
  readonly states = new Map<string, AlertState>();

  constructor(
    private readonly events: AlertEventFactory,
    private readonly sampleLimit: number,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  /**
   * One evaluation at `now` as a generator that pauses every {@link SLICE_STEPS}
   * (rule, operation) steps, so a timer can spread it over several event-loop turns.
   * Never throws: a failing rule is logged and skipped.
   */
  *run(
    now: number,
    source: AlertMetricsSource,
  ): Generator<void, AlertEvent[], void> {
    const events: AlertEvent[] = [];
    let operations: readonly string[];
    try {
      operations = source.getOperations();
    } catch (err) {
      this.logger.error(
        `Alert evaluation could not list operations: ${describeAlertFailure(err)}`,
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
        const key = alertStateKey(entry.rule.name, op);
        seen.add(key);
        try {
          this.step(entry, op, key, now, source, metricsOf, events);
        } catch (err) {
          this.logger.error(
            `Alert rule '${entry.rule.name}' failed on ${op}: ${describeAlertFailure(err)}`,
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
        events.push(this.events.build(entry.rule, s, 'resolved', now));
    }
    return events;
  }

  /** Drops every state of rule `name`; returns the resolved events of those that fired. */
  resolveRule(name: string, now: number): AlertEvent[] {
    const entry = this.rules.get(name);
    if (!entry) return [];
    const events: AlertEvent[] = [];
    for (const [key, s] of this.states) {
      if (s.rule !== name) continue;
      this.states.delete(key);
      if (s.firing)
        events.push(this.events.build(entry.rule, s, 'resolved', now));
    }
    return events;
  }

  /** Firing (rule, operation) pairs per rule name. */
  firingCounts(): Map<string, number> {
    const firing = new Map<string, number>();
    for (const s of this.states.values())
      if (s.firing) firing.set(s.rule, (firing.get(s.rule) ?? 0) + 1);
    return firing;
  }

  private step(
    entry: AlertRuleEntry,
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
        if (s.firing) events.push(this.events.build(rule, s, 'resolved', now));
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
    events.push(this.events.build(rule, s, 'firing', now));
  }

  private samples(
    source: AlertMetricsSource,
    op: string,
    rule: ResolvedAlertRule,
  ): string[] {
    const limit = this.sampleLimit;
    if (limit <= 0) return [];
    try {
      return [...source.getSampleCorrelationIds(op, rule.window, limit)];
    } catch {
      return [];
    }
  }
}

/** The message of a thrown value, for log lines. */
export function describeAlertFailure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
