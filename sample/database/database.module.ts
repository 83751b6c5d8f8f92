import {
  Global,
  Module,
  type OnApplicationShutdown,
  Inject,
} from '@nestjs/common';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Token of the sample's better-sqlite3 connection. */
export const DATABASE = Symbol('sample:database');

/** Opens the database: `DB_PATH` (default `data/orders.db`), or `:memory:` in tests. */
export function openDatabase(
  path = process.env.DB_PATH ?? 'data/orders.db',
): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS orders (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      reference TEXT NOT NULL UNIQUE,
      customer TEXT NOT NULL,
      amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
      status TEXT NOT NULL DEFAULT 'created',
      created_at TEXT NOT NULL
    );
  `);
  return db;
}

@Global()
@Module({
  providers: [{ provide: DATABASE, useFactory: () => openDatabase() }],
  exports: [DATABASE],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database.Database) {}

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
