// Inserting many rows fast inside a transaction: a job's 10,000 tasks must be stored in tens of
// milliseconds. SQLite runs one prepared statement per row (no SQL text to build or parse per
// row); PostgreSQL gets the columns as arrays and unnests them in a single statement.

import type { Knex } from 'knex';
import type { Database } from './database.ts';
import { isPostgres } from './database.ts';

export type ColumnType = 'text' | 'integer';

export interface BulkColumns {
  readonly [name: string]: ColumnType;
}

interface SqliteStatement {
  run(...values: unknown[]): unknown;
}

interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

export async function bulkInsert(trx: Database, table: string, columns: BulkColumns, rows: readonly (readonly unknown[])[]): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  if (isPostgres(trx)) {
    const arrays = names.map((_, index) => rows.map((row) => row[index] ?? null));
    const unnest = names.map((name) => `?::${columns[name] === 'integer' ? 'integer' : 'text'}[]`).join(', ');
    await trx.raw(`INSERT INTO ?? (${names.map(() => '??').join(', ')}) SELECT * FROM unnest(${unnest})`, [table, ...names, ...arrays] as unknown as Knex.RawBinding[]);
    return;
  }
  // Inside a Knex transaction, acquireConnection gives the transaction's own connection.
  const connection = (await trx.client.acquireConnection()) as SqliteConnection;
  const statement = connection.prepare(
    `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  );
  for (const row of rows) statement.run(...row);
}
