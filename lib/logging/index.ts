export * from './logging.options';
