import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Token of the sample's better-sqlite3 connection. */
export const DATABASE = Symbol('sample:database');

/** Options of {@link DatabaseModule.forRoot}. */
export interface DatabaseOptions {
  /** File of the database, or `':memory:'` (default: `DB_PATH`, else `data/orders.db`). */
  path?: string;
  /** Insert a few orders when the table is empty (default true). */
  seed?: boolean;
}

const SEED: ReadonlyArray<[string, string, number, string]> = [
  ['SEED-0001', 'Ada Lovelace', 4200, 'paid'],
  ['SEED-0002', 'Alan Turing', 1999, 'created'],
  ['SEED-0003', 'Grace Hopper', 12500, 'created'],
];

/** Opens the database, creates the table and seeds it when empty. */
export function openDatabase(options: DatabaseOptions = {}): Database.Database {
  const path = options.path ?? process.env.DB_PATH ?? 'data/orders.db';
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
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM orders').get() as {
    n: number;
  };
  if ((options.seed ?? true) && n === 0) {
    const insert = db.prepare(
      'INSERT INTO orders (reference, customer, amount_cents, status, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    const now = new Date().toISOString();
    db.transaction(() => {
      for (const [ref, customer, cents, status] of SEED)
        insert.run(ref, customer, cents, status, now);
    })();
  }
  return db;
}

/** Provides the connection under {@link DATABASE} to every module; closes it on shutdown. */
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database.Database) {}

  /** The database module with a connection opened from `options`. */
  static forRoot(options: DatabaseOptions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        { provide: DATABASE, useFactory: () => openDatabase(options) },
      ],
      exports: [DATABASE],
    };
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
