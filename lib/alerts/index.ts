export * from './alerts.options';
export * from './alert-rule';
export * from './alert-event';
export * from './notifiers/alert-notifier';
