// The Nest applications of the HTTP bench. Each serves GET /orders/:id, a small JSON
// object produced by a service that returns a MonoResult (one async step, as a repository
// call would be). Only the surrounding stack differs:
//   bare        Nest alone; the controller unwraps the MonoResult itself
//   nestjs-pino nestjs-pino's LoggerModule (pino-http "request completed" line) — the anchor
//   nestjs-pino+noop-interceptor  the anchor plus one global interceptor that does nothing:
//               the floor of any stack built on a Nest interceptor
//   diy         nestjs-pino + nestjs-cls 6 (request id) + a prom-client timing interceptor
//   floor       nestjs-pino + the correlation id, timing, Prometheus series and line fields of
//               nestjs-rfs's defaults written by hand, no library (http-apps.floor.ts)
//   nestjs-rfs  nestjs-pino (rfsPinoHttp()) + RfsModule with their defaults: correlation,
//               the Result → HTTP pass without interceptor (pipeline 'auto' → 'handler'; the
//               handler returns the MonoResult), the Result fields on pino-http's "request
//               completed" line (resultLine 'merge'), metrics, alerts
//   nestjs-rfs+interceptor-pipeline  the same with `http.pipeline: 'interceptor'`
//   nestjs-rfs+two-lines  the defaults with `rfsPinoHttp(undefined, { resultLine:
//               'separate' })`: a Result line per request next to pino-http's line
import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  type NestInterceptor,
  Param,
  type Type,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Observable } from 'rxjs';
import {
  MonoResult,
  RfsError,
  RfsModule,
  rfsPinoHttp,
  type Result,
  type RfsModuleOptionsInput,
} from 'nestjs-rfs';
import { benchPinoHttp } from './bench-log';

/** The stacks compared by the HTTP bench. */
export const VARIANTS = [
  'bare',
  'nestjs-pino',
  'nestjs-pino+noop-interceptor',
  'diy',
  'floor',
  'nestjs-rfs',
  'nestjs-rfs+interceptor-pipeline',
  'nestjs-rfs+two-lines',
] as const;
export type Variant = (typeof VARIANTS)[number];

/** What GET /orders/:id returns. */
export interface Order {
  id: string;
  status: 'open';
  total: number;
  currency: 'EUR';
}

@Injectable()
export class OrdersService {
  find(id: string): MonoResult<Order, RfsError> {
    return MonoResult.fromPromise(
      () => Promise.resolve(id),
      (cause) => RfsError.internal('lookup failed', cause),
    ).map((found) => ({
      id: found,
      status: 'open' as const,
      total: 42.5,
      currency: 'EUR' as const,
    }));
  }
}

/** Without nestjs-rfs the controller turns the Result into a value or an exception itself. */
function unwrap(result: Result<Order, RfsError>): Order {
  return result.unwrapOrThrow();
}

@Controller('orders')
export class PlainOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':id')
  async find(@Param('id') id: string): Promise<Order> {
    return unwrap(await this.orders.find(id));
  }
}

@Controller('orders')
export class RfsOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':id')
  find(@Param('id') id: string): MonoResult<Order, RfsError> {
    return this.orders.find(id);
  }
}

/** An interceptor that does nothing: what Nest's interceptor pipeline costs by itself. */
@Injectable()
export class NoopInterceptor implements NestInterceptor {
  intercept(
    _context: ExecutionContext,
    next: CallHandler,
  ): Observable<unknown> {
    return next.handle();
  }
}

/** The root module of one variant. */
export function benchAppModule(
  variant: Variant,
  rfsOptions: RfsModuleOptionsInput = {},
): Type {
  switch (variant) {
    case 'bare': {
      @Module({
        controllers: [PlainOrdersController],
        providers: [OrdersService],
      })
      class BareModule {}
      return BareModule;
    }
    case 'nestjs-pino': {
      @Module({
        imports: [LoggerModule.forRoot({ pinoHttp: benchPinoHttp() })],
        controllers: [PlainOrdersController],
        providers: [OrdersService],
      })
      class PinoModule {}
      return PinoModule;
    }
    case 'nestjs-pino+noop-interceptor': {
      @Module({
        imports: [LoggerModule.forRoot({ pinoHttp: benchPinoHttp() })],
        controllers: [PlainOrdersController],
        providers: [
          OrdersService,
          { provide: APP_INTERCEPTOR, useClass: NoopInterceptor },
        ],
      })
      class PinoNoopModule {}
      return PinoNoopModule;
    }
    case 'diy': {
      // Loaded only here: importing nestjs-cls enables its AsyncLocalStorage for the whole
      // process (every promise then pays for it), which would tax the other stacks too.
      const diy =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('./http-apps.diy') as typeof import('./http-apps.diy');
      return diy.diyAppModule(PlainOrdersController, OrdersService);
    }
    case 'floor': {
      // Loaded only here, as the DIY stack: its AsyncLocalStorage would tax the other stacks.
      const floor =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('./http-apps.floor') as typeof import('./http-apps.floor');
      return floor.floorAppModule(OrdersService);
    }
    case 'nestjs-rfs':
    case 'nestjs-rfs+interceptor-pipeline':
    case 'nestjs-rfs+two-lines': {
      const pipeline =
        variant === 'nestjs-rfs+interceptor-pipeline'
          ? 'interceptor'
          : ('auto' as const);
      const resultLine =
        variant === 'nestjs-rfs+two-lines' ? 'separate' : 'merge';
      @Module({
        imports: [
          LoggerModule.forRoot({
            pinoHttp: benchPinoHttp(rfsPinoHttp(undefined, { resultLine })),
          }),
          RfsModule.forRoot({
            serviceName: 'bench',
            environment: 'production',
            http: { pipeline },
            ...rfsOptions,
          }),
        ],
        controllers: [RfsOrdersController],
        providers: [OrdersService],
      })
      class RfsBenchModule {}
      return RfsBenchModule;
    }
  }
}
