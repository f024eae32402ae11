// The worker protocol's hot paths run a handful of fixed statements per call. Through knex each
// costs tens of microseconds of knex machinery (runner, bindings, events, promises), more than
// SQLite takes to run it; these go to the driver directly instead: on the transaction's own
// connection, or on one taken from knex's pool for the statement. SQLite gets them prepared
// once (statement-cache.ts); PostgreSQL gets `$1…` placeholders.
//
// On SQLite, reading statements outside a transaction run on a reading connection of their own
// (database.ts's sqliteReader).
//
// Only for fixed texts written with `?` placeholders (none inside string literals) and plain
// values; anything else goes through knex. Listeners of knex's `query` event hear of these too.

import type { Knex } from 'knex';
import { isPostgres, sqliteReader, type Database } from './database.ts';

export type SqlValue = string | number | boolean | null;

interface SqliteStatement {
  reader: boolean;
  all(values: readonly SqlValue[]): unknown[];
  run(values: readonly SqlValue[]): { changes: number };
}

interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

interface PgConnection {
  query(query: { text: string; values: readonly SqlValue[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

interface Outcome {
  rows: unknown[];
  changes: number;
}

/** The rows a statement answers with. */
export async function queryRows<T>(db: Database, sql: string, values: readonly SqlValue[] = []): Promise<T[]> {
  return (await execute(db, sql, values)).rows as T[];
}

/** How many rows a statement changed. */
export async function changeRows(db: Database, sql: string, values: readonly SqlValue[] = []): Promise<number> {
  return (await execute(db, sql, values)).changes;
}

async function execute(db: Database, sql: string, values: readonly SqlValue[]): Promise<Outcome> {
  if (db.client.listenerCount('query') > 0) db.client.emit('query', { sql, bindings: values, method: 'raw', options: {} });
  const postgres = isPostgres(db);
  const run = (connection: unknown): Outcome | Promise<Outcome> =>
    postgres ? onPostgres(connection as PgConnection, sql, values) : onSqlite(connection as SqliteConnection, sql, values);
  const trx = db as Knex.Transaction;
  if (trx.isTransaction) {
    if (trx.isCompleted()) throw new Error(`a statement after its transaction ended: ${sql}`);
    return run(await connectionOf(trx));
  }
  const read = postgres ? undefined : (sqliteReader(db) as unknown as SqliteConnection | undefined)?.prepare(sql);
  if (read?.reader) return runSqlite(read, values);
  const connection: unknown = await db.client.acquireConnection();
  try {
    return await run(connection);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

const transactionConnections = new WeakMap<Knex.Transaction, unknown>();

/** Makes statements on `trx` run on `connection` (light-transaction.ts). */
export function bindConnection(trx: Database, connection: unknown): void {
  transactionConnections.set(trx as Knex.Transaction, connection);
}

export function releaseBoundConnection(trx: Database): void {
  transactionConnections.delete(trx as Knex.Transaction);
}

/** The connection of a transaction: its own, never a second one from the pool. */
export async function connectionOf(trx: Knex.Transaction): Promise<unknown> {
  let connection = transactionConnections.get(trx);
  if (connection === undefined) {
    // A transaction's client always hands out the transaction's own connection.
    connection = await trx.client.acquireConnection();
    transactionConnections.set(trx, connection);
  }
  return connection;
}

function onSqlite(connection: SqliteConnection, sql: string, values: readonly SqlValue[]): Outcome {
  return runSqlite(connection.prepare(sql), values);
}

function runSqlite(statement: SqliteStatement, values: readonly SqlValue[]): Outcome {
  const bound = values.map((value) => (typeof value === 'boolean' ? Number(value) : value));
  if (statement.reader) return { rows: statement.all(bound), changes: 0 };
  return { rows: [], changes: statement.run(bound).changes };
}

async function onPostgres(connection: PgConnection, sql: string, values: readonly SqlValue[]): Promise<Outcome> {
  const result = await connection.query({ text: numberedPlaceholders(sql), values });
  return { rows: result.rows, changes: result.rowCount ?? 0 };
}

const numbered = new Map<string, string>();

/** `?` → `$1`, `$2`…, remembered per text (the texts are few and fixed). */
function numberedPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < 1000) numbered.set(sql, text);
  }
  return text;
}
