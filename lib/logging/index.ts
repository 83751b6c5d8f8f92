export * from './logging.options';
export * from './log-redactor';
export * from './result-log-entry';
export * from './result-logger';
export * from './log-result-operation.decorator';
export * from './rfs-pino-http';
export * from './logging.providers';
