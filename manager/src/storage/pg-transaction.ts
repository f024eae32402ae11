// PostgreSQL transactions for the hot paths, without knex's transaction object: BEGIN …
// COMMIT on a connection taken from the pool for the transaction's length, handed to the work
// as a Database (light-transaction.ts's transactionOn), so the same storage code serves both
// databases. Knex builds a new knex instance for each transaction and routes every statement
// through its transaction machinery; on a farm's busiest calls that cost more manager CPU than
// the statements' round trips.

import type { Database } from './database.ts';
import { transactionOn } from './light-transaction.ts';

interface PgConnection {
  query(text: string): Promise<unknown>;
}

export async function lightPostgresTransaction<T>(db: Database, work: (trx: Database) => Promise<T>): Promise<T> {
  const connection = (await db.client.acquireConnection()) as PgConnection;
  const trx = transactionOn(db, connection);
  try {
    await connection.query('BEGIN');
    const result = await work(trx.db);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    // After a failed COMMIT PostgreSQL has rolled back already; a broken connection cannot roll
    // back, and the pool checks it before handing it out again.
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    trx.end();
    await db.client.releaseConnection(connection);
  }
}
