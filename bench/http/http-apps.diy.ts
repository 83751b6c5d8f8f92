// The do-it-yourself stack of the HTTP bench (see http-apps.ts): nestjs-pino + nestjs-cls 6
// (request id) + a prom-client timing interceptor. In a file of its own, loaded only by the DIY
// app: importing nestjs-cls enables its AsyncLocalStorage for the whole process.
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Module,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ClsModule, ClsService } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import { Histogram, register } from 'prom-client';
import { type Observable, tap } from 'rxjs';
import { benchPinoHttp } from './bench-log';

const durations = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['operation', 'method', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [], // registered only by the DIY app
});

interface AnyResponse {
  statusCode: number;
  setHeader?: (name: string, value: string) => void;
  header?: (name: string, value: string) => void;
}

/** The do-it-yourself timing interceptor: a prom-client histogram and the id echoed. */
@Injectable()
export class TimingInterceptor implements NestInterceptor {
  constructor(private readonly cls: ClsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<{ method: string }>();
    const res = http.getResponse<AnyResponse>();
    const id = this.cls.getId();
    if (res.setHeader) res.setHeader('x-correlation-id', id);
    else res.header?.('x-correlation-id', id);
    const operation = `${context.getClass().name}.${context.getHandler().name}`;
    const end = durations.startTimer();
    return next.handle().pipe(
      tap({
        next: () =>
          end({ operation, method: req.method, status: res.statusCode }),
        error: () => end({ operation, method: req.method, status: 500 }),
      }),
    );
  }
}

function idFromHeader(req: IncomingMessage): string {
  const h = req.headers['x-correlation-id'];
  return typeof h === 'string' && h !== '' ? h : randomUUID();
}

/** The root module of the DIY app, serving `controller` with `service`. */
export function diyAppModule(controller: Type, service: Type): Type {
  register.registerMetric(durations);
  @Module({
    imports: [
      ClsModule.forRoot({
        global: true,
        middleware: {
          mount: true,
          generateId: true,
          idGenerator: (req: IncomingMessage) => idFromHeader(req),
        },
      }),
      LoggerModule.forRoot({
        pinoHttp: benchPinoHttp({ genReqId: (req) => idFromHeader(req) }),
      }),
    ],
    controllers: [controller],
    providers: [
      service,
      { provide: APP_INTERCEPTOR, useClass: TimingInterceptor },
    ],
  })
  class DiyModule {}
  return DiyModule;
}
