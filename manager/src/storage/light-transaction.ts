// SQLite transactions for the worker protocol's hot paths, without knex's transaction object:
// knex builds a new knex instance for each transaction, which costs more than the few
// statements a task request runs. This one is BEGIN IMMEDIATE … COMMIT on the single
// connection, held for the transaction's whole length (as knex does), and handed to the work as
// a Database: direct-sql.ts runs statements on its connection, and knex query builders made
// through it run there too (`.connection()`), so the same storage code serves both kinds.

import type { Knex } from 'knex';
import type { Database } from './database.ts';
import { bindConnection, releaseBoundConnection } from './direct-sql.ts';

interface SqliteConnection {
  prepare(sql: string): { run(): unknown };
  inTransaction: boolean;
}

export async function lightSqliteTransaction<T>(db: Database, work: (trx: Database) => Promise<T>): Promise<T> {
  const connection = (await db.client.acquireConnection()) as SqliteConnection;
  let completed = false;
  const trx = Object.assign((table: string) => db(table).connection(connection), {
    client: db.client,
    isTransaction: true,
    isCompleted: () => completed,
    raw: (sql: string, bindings?: Knex.RawBinding[]) => (bindings === undefined ? db.raw(sql) : db.raw(sql, bindings)).connection(connection),
    ref: (name: string) => db.ref(name),
    transaction: () => {
      throw new Error('a transaction inside a light SQLite transaction is not supported');
    },
  }) as unknown as Database;
  bindConnection(trx, connection);
  try {
    connection.prepare('BEGIN IMMEDIATE').run();
    const result = await work(trx);
    connection.prepare('COMMIT').run();
    return result;
  } catch (error) {
    // SQLite may have rolled back by itself already (e.g. on SQLITE_FULL).
    if (connection.inTransaction) connection.prepare('ROLLBACK').run();
    throw error;
  } finally {
    completed = true;
    releaseBoundConnection(trx);
    await db.client.releaseConnection(connection);
  }
}
