import { requireAlertDuration } from './alert-duration';
import type { ResolvedAlertRule } from './alert-rule';
import { OperationGlob } from './operation-glob';

/** Where one (rule, operation) pair stands: pending (condition true) or firing. */
export interface AlertState {
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

/** A rule with what evaluation needs precomputed (glob, durations in ms). */
export interface AlertRuleEntry {
  rule: ResolvedAlertRule;
  glob: OperationGlob;
  forMs: number;
  cooldownMs: number;
}

/** Builds the entry of a validated rule; throws naming the rule when a duration is invalid. */
export function alertRuleEntry(rule: ResolvedAlertRule): AlertRuleEntry {
  return {
    rule,
    glob: new OperationGlob(rule.operation),
    forMs: requireAlertDuration(`alert rule '${rule.name}' for`, rule.for),
    cooldownMs: requireAlertDuration(
      `alert rule '${rule.name}' cooldown`,
      rule.cooldown,
    ),
  };
}

/** The key of a (rule, operation) pair; also the id of its events. */
export function alertStateKey(rule: string, operation: string): string {
  return `${rule}:${operation}`;
}
