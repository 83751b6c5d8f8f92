import { Module } from '@nestjs/common';
import { AlertCondition, RfsModule } from 'nestjs-rfs';

/** Root module the `rfs-rules` CLI spec exports rules from. */
@Module({
  imports: [
    RfsModule.forRoot({
      serviceName: 'shop',
      logging: false,
      metrics: { prefix: 'shop_' },
      alerts: {
        notifiers: [],
        rules: [
          {
            name: 'checkout_slow',
            operation: 'checkout.*',
            metric: 'p99Ms',
            condition: AlertCondition.GREATER_THAN,
            threshold: 2000,
            window: '5m',
            for: '2m',
            severity: 'critical',
            labels: { team: 'payments' },
          },
        ],
      },
    }),
  ],
})
export class AppModule {}

/** A second module, so `--export` is exercised. */
@Module({
  imports: [
    RfsModule.forRoot({
      logging: false,
      alerts: { defaultRules: false, notifiers: [] },
    }),
  ],
})
export class EmptyRulesModule {}
