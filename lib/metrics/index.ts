export * from './metrics.options';
export * from './operation-metrics';
