import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import {
  AlertmanagerNotifier,
  type AlertNotifier,
  LogAlertNotifier,
  RfsModule,
  rfsPinoHttp,
} from 'nestjs-rfs';
import { DatabaseModule } from './database/database.module';
import { OrdersModule } from './orders/orders.module';

/** Port of `npm start` (`PORT`, default 3000). */
export const PORT = Number(process.env.PORT ?? 3000);
/** Route of the dashboard (RfsModule's default `dashboard.path`). */
export const DASHBOARD_PATH = 'rfs/dashboard';

/** Alert notifiers: the log always; Alertmanager too when `ALERTMANAGER_URL` is set. */
function alertNotifiers(env: NodeJS.ProcessEnv = process.env): AlertNotifier[] {
  const notifiers: AlertNotifier[] = [new LogAlertNotifier()];
  if (env.ALERTMANAGER_URL) {
    notifiers.push(new AlertmanagerNotifier({ url: env.ALERTMANAGER_URL }));
  }
  return notifiers;
}

/** Routes whose "request completed" lines would only be noise (scrapes, dashboard polling). */
function quietRoute(url: string | undefined): boolean {
  return url === '/metrics' || (url ?? '').startsWith(`/${DASHBOARD_PATH}`);
}

/** The orders service: nestjs-pino, Prometheus, nestjs-rfs, SQLite and the orders feature. */
@Module({
  imports: [
    // nestjs-pino as its README says, with pino-http's request id = the correlation id.
    // Options are built when the app starts (LOG_LEVEL read then, not at import).
    LoggerModule.forRootAsync({
      useFactory: () => ({
        pinoHttp: [
          rfsPinoHttp({
            level: process.env.LOG_LEVEL ?? 'info',
            autoLogging: { ignore: (req) => quietRoute(req.url) },
            // Lines written inside a request carry its id, not the whole request.
            quietReqLogger: true,
          }),
          // Synchronous stdout keeps log lines and the startup banner in order.
          pino.destination({ dest: 1, sync: true }),
        ],
      }),
    }),
    // GET /metrics (prom-client default registry, where nestjs-rfs registers its series too).
    PrometheusModule.register(),
    RfsModule.forRoot({
      serviceName: 'orders-sample',
      metrics: { httpMetrics: true },
      alerts: {
        // The default rules (error rate, p95, batch success rate), checked every 5 s so the
        // demo's alert shows up quickly.
        evaluationInterval: '5s',
        notifiers: alertNotifiers(),
        dashboardUrl: `http://127.0.0.1:${PORT}/${DASHBOARD_PATH}/ui`,
      },
      dashboard: { path: DASHBOARD_PATH },
    }),
    DatabaseModule.forRoot(),
    OrdersModule,
  ],
})
export class AppModule {}
