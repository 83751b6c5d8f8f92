export * from './dashboard.options';
export * from './dashboard-alerts-source';
export * from './dashboard.service';
export * from './dashboard.guard';
export * from './dashboard.controller';
export * from './dashboard.providers';
