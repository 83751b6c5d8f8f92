import type { OperationMetrics } from '../metrics/operation-metrics';
import { AlertCondition, type ResolvedAlertRule } from './alert-rule';

/** Value of the rule's metric in `m` (honours `errorCode` for error metrics). */
export function alertMetricValue(
  rule: Pick<ResolvedAlertRule, 'metric' | 'errorCode'>,
  m: OperationMetrics,
): number {
  switch (rule.metric) {
    case 'errorRate':
      if (rule.errorCode === undefined) return m.errorRate;
      return m.total === 0
        ? 0
        : (m.errorBreakdown[rule.errorCode] ?? 0) / m.total;
    case 'errorCount':
      return rule.errorCode === undefined
        ? m.err + m.defect
        : (m.errorBreakdown[rule.errorCode] ?? 0);
    case 'count':
      return m.total;
    case 'throughputPerSec':
      return m.throughputPerSec;
    case 'meanMs':
      return m.meanMs;
    case 'p50Ms':
      return m.p50Ms;
    case 'p90Ms':
      return m.p90Ms;
    case 'p95Ms':
      return m.p95Ms;
    case 'p99Ms':
      return m.p99Ms;
    case 'fluxSuccessRate':
      return m.fluxSuccessRate;
  }
}

/** Whether `value <condition> threshold` holds (NaN never holds). */
export function alertConditionHolds(
  condition: AlertCondition,
  value: number,
  threshold: number,
): boolean {
  if (Number.isNaN(value)) return false;
  switch (condition) {
    case AlertCondition.GREATER_THAN:
      return value > threshold;
    case AlertCondition.GREATER_OR_EQUAL:
      return value >= threshold;
    case AlertCondition.LESS_THAN:
      return value < threshold;
    case AlertCondition.LESS_OR_EQUAL:
      return value <= threshold;
    case AlertCondition.EQUAL:
      return value === threshold;
    case AlertCondition.NOT_EQUAL:
      return value !== threshold;
  }
}

/** The PromQL comparison operator of a condition. */
export function promComparison(condition: AlertCondition): string {
  switch (condition) {
    case AlertCondition.GREATER_THAN:
      return '>';
    case AlertCondition.GREATER_OR_EQUAL:
      return '>=';
    case AlertCondition.LESS_THAN:
      return '<';
    case AlertCondition.LESS_OR_EQUAL:
      return '<=';
    case AlertCondition.EQUAL:
      return '==';
    case AlertCondition.NOT_EQUAL:
      return '!=';
  }
}
