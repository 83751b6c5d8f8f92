import { Injectable } from '@nestjs/common';
import {
  FluxResult,
  LogResultOperation,
  MonoResult,
  type Page,
  type PageRequest,
  type Result,
  RfsError,
  err,
  ok,
  toPage,
} from 'nestjs-rfs';
import { PaymentsService } from '../payments/payments.service';
import { type Order, parseCreateOrder, parseOrderId } from './order';
import { OrdersRepository } from './orders.repository';

/** An order that was just paid, with the provider's payment id. */
export interface PaidOrder extends Order {
  paymentId: string;
}

/** Rows read per query while streaming, so a long stream never holds the connection. */
const STREAM_CHUNK = 100;

/** The orders use cases; every method returns a Result type and is logged and timed. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly repository: OrdersRepository,
    private readonly payments: PaymentsService,
  ) {}

  /** Validates and stores an order: 400 with field errors, 409 on a duplicate reference. */
  @LogResultOperation()
  create(body: unknown): Result<Order, RfsError> {
    return parseCreateOrder(body).andThen((input) =>
      this.repository.insert(input),
    );
  }

  /** One order by id: 400 for a malformed id, 404 when there is none. */
  @LogResultOperation()
  get(id: string): Result<Order, RfsError> {
    return parseOrderId(id).andThen((n) => this.repository.findById(n));
  }

  /** One page of orders, oldest first. */
  @LogResultOperation()
  list(page: PageRequest): Result<Page<Order>, RfsError> {
    return this.repository
      .list(page.offset, page.size)
      .map(({ items, total }) => toPage(items, total, page));
  }

  /** Creates each order of a batch on its own: one Ok or Err per item, in input order. */
  @LogResultOperation()
  createBatch(bodies: readonly unknown[]): FluxResult<Order, RfsError> {
    return FluxResult.from(bodies).flatMap((body) => this.create(body), {
      concurrency: 1,
    });
  }

  /**
   * Every order (read in chunks, pulled as the client consumes), or, with `ids`, one item per
   * id: an Err item (404) for an id that does not exist.
   */
  @LogResultOperation()
  stream(ids?: readonly string[]): FluxResult<Order, RfsError> {
    if (ids !== undefined) {
      return FluxResult.from(ids).flatMap((id) => this.get(id), {
        concurrency: 1,
      });
    }
    return FluxResult.fromResults(this.all());
  }

  /**
   * Pays an order through the flaky provider (timeout + retries): 404 unknown order, 409
   * already paid, 502 when the provider keeps failing, 504 when it keeps hanging. The order's
   * status records the outcome.
   */
  @LogResultOperation()
  pay(id: string): MonoResult<PaidOrder, RfsError> {
    return MonoResult.defer(() => this.get(id))
      .flatMap((order) =>
        order.status === 'paid'
          ? err(RfsError.conflict('order', `order ${order.id} is already paid`))
          : ok(order),
      )
      .flatMap((order) =>
        this.payments
          .charge(order.id, order.amountCents)
          .tapErr(() => this.repository.setStatus(order.id, 'payment_failed'))
          .flatMap((payment) =>
            this.repository
              .setStatus(order.id, 'paid')
              .map((paid) => ({ ...paid, paymentId: payment.paymentId })),
          ),
      );
  }

  private async *all(): AsyncGenerator<Result<Order, RfsError>> {
    for (let after = 0; ;) {
      const chunk = this.repository.listAfter(after, STREAM_CHUNK);
      if (chunk.isErr()) {
        yield err(chunk.error);
        return;
      }
      const orders = chunk.value;
      for (const order of orders) yield ok(order);
      if (orders.length < STREAM_CHUNK) return;
      after = orders[orders.length - 1].id;
    }
  }
}
