// The hand-written floor of the HTTP bench (see http-apps.ts): the anchor (nestjs-pino) plus
// what nestjs-rfs's defaults put on the wire, in the logs and in Prometheus, written by hand
// with no library. The adapter's request hook enters an AsyncLocalStorage with the correlation
// id (the `x-correlation-id` header or a UUID). The controller times its own call, sets
// `x-correlation-id` and `server-timing` (through the reply on Fastify), records two prom-client
// histograms and two counters (operation and HTTP series, cached label children), and hands
// operation, outcome, durationMs and http fields to pino-http's "request completed" line. No
// windows, no alerts, no Result → HTTP mapping beyond the Ok path: a stack that does this work
// can hardly cost less, so it shows what the req/s goal asks of nestjs-rfs. In a file of its
// own, loaded only by this app: its AsyncLocalStorage taxes every promise once entered.
import {
  Controller,
  Get,
  Inject,
  Module,
  type NestModule,
  Param,
  type Type,
} from '@nestjs/common';
import { type AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { LoggerModule } from 'nestjs-pino';
import { Counter, Histogram, register } from 'prom-client';
import { benchPinoHttp } from './bench-log';
import type { Order, OrdersService } from './http-apps';

/** The request's context: its id, raw response (pino-http's) and Fastify's reply, if any. */
interface FloorStore {
  id: string;
  res: ServerResponse;
  reply: { header(name: string, value: string): unknown } | undefined;
}

const context = new AsyncLocalStorage<FloorStore>();
const FIELDS = Symbol('floor:line-fields');
type WithFields = ServerResponse & { [FIELDS]?: object };
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const operationDuration = new Histogram({
  name: 'floor_operation_duration_seconds',
  help: 'operation duration',
  labelNames: ['operation', 'outcome'],
  buckets: BUCKETS,
  registers: [],
});
const operations = new Counter({
  name: 'floor_operations_total',
  help: 'operations',
  labelNames: ['operation', 'outcome'],
  registers: [],
});
const httpDuration = new Histogram({
  name: 'floor_http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['method', 'route', 'status'],
  buckets: BUCKETS,
  registers: [],
});
const httpRequests = new Counter({
  name: 'floor_http_requests_total',
  help: 'HTTP requests',
  labelNames: ['method', 'route', 'status'],
  registers: [],
});
const OPERATION = 'FloorOrdersController.find';
const ROUTE = '/orders/:id';
const okSeries = {
  duration: operationDuration.labels(OPERATION, 'ok'),
  count: operations.labels(OPERATION, 'ok'),
  httpDuration: httpDuration.labels('GET', ROUTE, '200'),
  httpCount: httpRequests.labels('GET', ROUTE, '200'),
};

const ID = Symbol('floor:id');
type IdRequest = IncomingMessage & { [ID]?: string };

/** The request's id, kept on it: pino-http's genReqId and the correlation hook share it. */
function requestId(req: IdRequest): string {
  const known = req[ID];
  if (known !== undefined) return known;
  const h = req.headers['x-correlation-id'];
  const id =
    typeof h === 'string' && h !== '' && h.length <= 256 ? h : randomUUID();
  req[ID] = id;
  return id;
}

/** Fastify's reply writes its own headers with the status line; Express's go on the response. */
function setHeader(store: FloorStore, name: string, value: string): void {
  if (store.reply !== undefined) store.reply.header(name, value);
  else store.res.setHeader(name, value);
}

/**
 * Enters the request's context from the adapter's request hook (Nest's `setOnRequestHook`: the
 * first Express middleware, a Fastify `onRequest` hook), which skips Nest's middleware plumbing.
 */
function installCorrelationHook(adapter: AbstractHttpAdapter): void {
  if (adapter.getType() === 'fastify')
    adapter.setOnRequestHook(
      (
        request: { raw: IncomingMessage },
        reply: FloorStore['reply'] & { raw: ServerResponse },
        done: () => void,
      ) =>
        context.run(
          { id: requestId(request.raw), res: reply.raw, reply },
          done,
        ),
    );
  else
    adapter.setOnRequestHook(
      (req: IncomingMessage, res: ServerResponse, next: () => void) =>
        context.run({ id: requestId(req), res, reply: undefined }, next),
    );
}

/** The root module of the floor app, serving GET /orders/:id with `service`. */
export function floorAppModule(service: typeof OrdersService): Type {
  register.registerMetric(operationDuration);
  register.registerMetric(operations);
  register.registerMetric(httpDuration);
  register.registerMetric(httpRequests);

  @Controller('orders')
  class FloorOrdersController {
    constructor(@Inject(service) private readonly orders: OrdersService) {}

    @Get(':id')
    async find(@Param('id') id: string): Promise<Order> {
      const start = performance.now();
      const result = await this.orders.find(id);
      const ms = performance.now() - start;
      const order = result.unwrapOrThrow(); // an Err is Nest's 500 (not measured)
      okSeries.duration.observe(ms / 1000);
      okSeries.count.inc();
      okSeries.httpDuration.observe(ms / 1000);
      okSeries.httpCount.inc();
      const store = context.getStore();
      if (store !== undefined) {
        setHeader(store, 'x-correlation-id', store.id);
        setHeader(store, 'server-timing', `app;dur=${ms.toFixed(1)}`);
        (store.res as WithFields)[FIELDS] = {
          correlationId: store.id,
          operation: OPERATION,
          outcome: 'ok',
          durationMs: Math.round(ms * 1000) / 1000,
          http: { method: 'GET', route: ROUTE, status: 200 },
        };
      }
      return order;
    }
  }

  @Module({
    imports: [
      LoggerModule.forRoot({
        pinoHttp: benchPinoHttp({
          genReqId: (req) => requestId(req),
          // on every line, serialized once per logger (nestjs-rfs adds them per line)
          base: {
            pid: process.pid,
            hostname: hostname(),
            service: 'bench',
            environment: 'production',
          },
          customSuccessObject: (_req, res, val: object) => {
            const fields = (res as WithFields)[FIELDS];
            return fields === undefined ? val : Object.assign(val, fields);
          },
        }),
      }),
    ],
    controllers: [FloorOrdersController],
    providers: [service],
  })
  class FloorModule implements NestModule {
    constructor(private readonly host: HttpAdapterHost) {}

    configure(): void {
      installCorrelationHook(this.host.httpAdapter);
    }
  }
  return FloorModule;
}
