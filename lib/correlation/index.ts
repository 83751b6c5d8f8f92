export * from './correlation.options';
