// Inserting many rows fast inside a transaction: a job's 10,000 tasks must be stored in tens of
// milliseconds. SQLite runs one prepared statement per row (no SQL text to build or parse per
// row); PostgreSQL gets the columns as arrays and unnests them in a single statement.

import type { Knex } from 'knex';
import { isPostgres, type Database } from './database.ts';
import { connectionOf } from './direct-sql.ts';

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

/** PostgreSQL gets the rows in statements of this many, so that no more of them are held as arrays at once. */
export const POSTGRES_ROWS_PER_STATEMENT = 2_000;

/** Inserts the rows as they come (a generator need not hold them all at once). */
export async function bulkInsert(trx: Database, table: string, columns: BulkColumns, rows: Iterable<readonly unknown[]>): Promise<void> {
  const names = Object.keys(columns);
  if (isPostgres(trx)) {
    const unnest = names.map((name) => `?::${columns[name] === 'integer' ? 'integer' : 'text'}[]`).join(', ');
    const sql = `INSERT INTO ?? (${names.map(() => '??').join(', ')}) SELECT * FROM unnest(${unnest})`;
    for (const chunk of chunks(rows, POSTGRES_ROWS_PER_STATEMENT)) {
      const arrays = names.map((_, index) => chunk.map((row) => row[index] ?? null));
      await trx.raw(sql, [table, ...names, ...arrays] as unknown as Knex.RawBinding[]);
    }
    return;
  }
  const connection = (await connectionOf(trx as Knex.Transaction)) as SqliteConnection;
  const statement = connection.prepare(
    `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  );
  for (const row of rows) statement.run(...row);
}

function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
