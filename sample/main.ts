import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule, DASHBOARD_PATH, PORT } from './app.module';

async function bootstrap(): Promise<void> {
  // nestjs-pino's README: buffer Nest's startup lines until its logger is in place.
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(PORT, '127.0.0.1');
  const base = `http://127.0.0.1:${PORT}`;
  process.stdout.write(
    [
      '',
      `nestjs-rfs sample (orders service) listening on ${base}`,
      `  API        ${base}/orders  (POST /orders, /orders/batch, /orders/:id/pay; GET /orders/stream, /orders/events)`,
      `  metrics    ${base}/metrics`,
      `  dashboard  ${base}/${DASHBOARD_PATH}/ui  (JSON: ${base}/${DASHBOARD_PATH})`,
      `  traffic    npm run demo:traffic  (fills the dashboard; the error-rate alert fires)`,
      process.env.ALERTMANAGER_URL
        ? `  alerts     also sent to Alertmanager at ${process.env.ALERTMANAGER_URL}`
        : '  alerts     logged (set ALERTMANAGER_URL to send them to Alertmanager)',
      '',
    ].join('\n') + '\n',
  );
}

void bootstrap();
