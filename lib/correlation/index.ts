export * from './correlation.options';
export * from './correlation-context';
