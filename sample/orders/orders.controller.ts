import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import {
  FluxResponse,
  type FluxResult,
  type MonoResult,
  type Page,
  PageQuery,
  type PageRequest,
  type Result,
  RfsError,
  RfsOperation,
  err,
} from 'nestjs-rfs';
import type { Order } from './order';
import { type PaidOrder, OrdersService } from './orders.service';

/** Largest batch `POST /orders/batch` accepts. */
export const MAX_BATCH = 100;

/** Splits `?ids=1,2,3`; `undefined` when absent (stream every order). */
function idsOf(raw: unknown): string[] | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  return raw.split(',').map((s) => s.trim());
}

/**
 * The HTTP face of the orders service. Handlers return Results, MonoResults and FluxResults;
 * `ResultInterceptor` (registered by RfsModule) turns them into responses and problem+json.
 */
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** `POST /orders` → 201 with the order; 400 with field errors; 409 for a duplicate reference. */
  @Post()
  @RfsOperation('orders.create')
  create(@Body() body: unknown): Result<Order, RfsError> {
    return this.orders.create(body);
  }

  /** `POST /orders/batch` (an array) → 200 when all were created, 207 when only some were. */
  @Post('batch')
  @HttpCode(200)
  @RfsOperation('orders.batch')
  @FluxResponse({ includeErrors: true, maxErrors: 20, partialSuccess: true })
  createBatch(
    @Body() body: unknown,
  ): FluxResult<Order, RfsError> | Result<never, RfsError> {
    if (!Array.isArray(body) || body.length === 0 || body.length > MAX_BATCH) {
      return err(
        RfsError.validation([
          {
            field: 'body',
            message: `must be an array of 1 to ${MAX_BATCH} orders`,
            code: 'type',
          },
        ]),
      );
    }
    return this.orders.createBatch(body);
  }

  /** `GET /orders?page=&size=` → a `Page<Order>`; bad paging values → 400. */
  @Get()
  @RfsOperation('orders.list')
  list(
    @PageQuery({ defaultSize: 20, maxSize: 100 }) page: PageRequest,
  ): Result<Page<Order>, RfsError> {
    return this.orders.list(page);
  }

  /** `GET /orders/stream[?ids=1,2]` → NDJSON, one line per order (an Err line per unknown id). */
  @Get('stream')
  @RfsOperation('orders.stream')
  @FluxResponse({ mode: 'ndjson' })
  stream(@Query('ids') ids?: string): FluxResult<Order, RfsError> {
    return this.orders.stream(idsOf(ids));
  }

  /** `GET /orders/events[?ids=1,2]` → Server-Sent Events; an unknown id is an `error` event. */
  @Sse('events')
  @RfsOperation('orders.events')
  events(@Query('ids') ids?: string): FluxResult<Order, RfsError> {
    return this.orders.stream(idsOf(ids));
  }

  /** `GET /orders/:id` → the order; 404 when there is none. */
  @Get(':id')
  @RfsOperation('orders.get')
  get(@Param('id') id: string): Result<Order, RfsError> {
    return this.orders.get(id);
  }

  /** `POST /orders/:id/pay` → the paid order; 409 if already paid; 502/504 when the provider gives up. */
  @Post(':id/pay')
  @HttpCode(200)
  @RfsOperation('orders.pay')
  pay(@Param('id') id: string): MonoResult<PaidOrder, RfsError> {
    return this.orders.pay(id);
  }
}
