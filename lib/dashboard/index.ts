export * from './dashboard.options';
