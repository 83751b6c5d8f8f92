export * from './operation-event';
export * from './operation-hub';
