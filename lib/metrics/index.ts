export * from './metrics.options';
export * from './operation-metrics';
export * from './metrics.constants';
export { isMetricWindow } from './window-ring';
export type { OperationHistoryPoint } from './operation-stats';
export {
  METRIC_SUFFIXES,
  PromClientMissingError,
  type RfsPromMetrics,
} from './prometheus-metrics';
export * from './result-metrics.collector';
export * from './metrics.providers';
