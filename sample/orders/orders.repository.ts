import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { RfsError, type Result, ok, err, Result as R } from 'nestjs-rfs';
import { DATABASE } from '../database/database.module';
import type { CreateOrderInput, Order } from './order';

interface OrderRow {
  id: number;
  reference: string;
  customer: string;
  amount_cents: number;
  status: Order['status'];
  created_at: string;
}

const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  reference: r.reference,
  customer: r.customer,
  amountCents: r.amount_cents,
  status: r.status,
  createdAt: r.created_at,
});

/** SQLite errors become typed errors: UNIQUE → CONFLICT (409), anything else → DATABASE_ERROR. */
function mapDbError(operation: string, reference?: string) {
  return (cause: unknown): RfsError => {
    const code = (cause as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
      return RfsError.conflict(
        'order',
        `reference ${reference ?? ''} already exists`.trim(),
      );
    }
    return RfsError.database(
      operation,
      cause instanceof Error ? cause.message : String(cause),
      cause,
    );
  };
}

/** Orders table access; every method returns a Result instead of throwing. */
@Injectable()
export class OrdersRepository {
  constructor(@Inject(DATABASE) private readonly db: Database.Database) {}

  insert(input: CreateOrderInput): Result<Order, RfsError> {
    return R.fromThrowable(
      () => {
        const row = this.db
          .prepare(
            `INSERT INTO orders (reference, customer, amount_cents, created_at)
           VALUES (?, ?, ?, ?) RETURNING *`,
          )
          .get(
            input.reference,
            input.customer,
            input.amountCents,
            new Date().toISOString(),
          ) as OrderRow;
        return toOrder(row);
      },
      mapDbError('insert', input.reference),
    );
  }

  findById(id: number): Result<Order, RfsError> {
    return R.fromThrowable(
      () =>
        this.db.prepare('SELECT * FROM orders WHERE id = ?').get(id) as
          OrderRow | undefined,
      mapDbError('select'),
    ).andThen((row) =>
      row ? ok(toOrder(row)) : err(RfsError.notFound('order', id)),
    );
  }

  list(
    offset: number,
    limit: number,
  ): Result<{ items: Order[]; total: number }, RfsError> {
    return R.fromThrowable(() => {
      const rows = this.db
        .prepare('SELECT * FROM orders ORDER BY id LIMIT ? OFFSET ?')
        .all(limit, offset) as OrderRow[];
      const { n } = this.db
        .prepare('SELECT COUNT(*) AS n FROM orders')
        .get() as { n: number };
      return { items: rows.map(toOrder), total: n };
    }, mapDbError('list'));
  }

  /** Up to `limit` orders with an id above `afterId`, by id (keyset pagination for streams). */
  listAfter(afterId: number, limit: number): Result<Order[], RfsError> {
    return R.fromThrowable(
      () =>
        (
          this.db
            .prepare('SELECT * FROM orders WHERE id > ? ORDER BY id LIMIT ?')
            .all(afterId, limit) as OrderRow[]
        ).map(toOrder),
      mapDbError('list'),
    );
  }

  setStatus(id: number, status: Order['status']): Result<Order, RfsError> {
    return R.fromThrowable(
      () =>
        this.db
          .prepare('UPDATE orders SET status = ? WHERE id = ? RETURNING *')
          .get(status, id) as OrderRow | undefined,
      mapDbError('update'),
    ).andThen((row) =>
      row ? ok(toOrder(row)) : err(RfsError.notFound('order', id)),
    );
  }
}
