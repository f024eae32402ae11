// SQLite transactions for the worker protocol's hot paths, without knex's transaction object
// (knex builds a new knex instance for each transaction, which costs more than the few
// statements a task request runs), and committed in groups.
//
// Group commit: the transactions asked for while the event loop handles one batch of I/O run
// one after the other inside a single BEGIN IMMEDIATE … COMMIT on the one connection, each in a
// savepoint of its own, so a failing one is rolled back alone. None of them is answered before
// the group's COMMIT: what a caller is told was stored, was. A commit writes every changed page
// to the WAL; grouped, pages that many transactions touch (indexes, task counts, the workers
// table) are written once per group instead of once per request.
//
// Each transaction gets a Database whose statements run on the connection: direct-sql.ts runs
// its statements there, and knex query builders made through it run there too (`.connection()`),
// so the same storage code serves both kinds.

import type { Knex } from 'knex';
import type { Database } from './database.ts';
import { bindConnection, releaseBoundConnection } from './direct-sql.ts';

interface SqliteConnection {
  prepare(sql: string): { run(): unknown };
  inTransaction: boolean;
}

interface Queued {
  work: (trx: Database) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Group {
  queue: Queued[];
  scheduled: boolean;
}

/** At most this many transactions share a commit, so that the first of them does not wait long. */
const MAX_GROUP_SIZE = 16;

const groups = new WeakMap<Knex.Client, Group>();

export function lightSqliteTransaction<T>(db: Database, work: (trx: Database) => Promise<T>): Promise<T> {
  let group = groups.get(db.client);
  if (!group) {
    group = { queue: [], scheduled: false };
    groups.set(db.client, group);
  }
  const queued = group;
  return new Promise<T>((resolve, reject) => {
    queued.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    if (!queued.scheduled) {
      queued.scheduled = true;
      // After the I/O callbacks of this turn: the requests that arrived together join one group.
      setImmediate(() => void runGroups(db, queued));
    }
  });
}

/** Runs groups until nothing is queued. */
async function runGroups(db: Database, group: Group): Promise<void> {
  try {
    while (group.queue.length > 0) {
      const members = group.queue.splice(0, MAX_GROUP_SIZE);
      let connection: SqliteConnection;
      try {
        connection = (await db.client.acquireConnection()) as SqliteConnection;
      } catch (error) {
        for (const member of members) member.reject(error);
        continue;
      }
      try {
        await runGroup(connection, members, db);
      } catch (error) {
        // A statement of the group's own failed (e.g. ROLLBACK TO): nobody may wait forever.
        // Members already answered keep their answer.
        for (const member of members) member.reject(error);
        if (connection.inTransaction) connection.prepare('ROLLBACK').run();
      } finally {
        await db.client.releaseConnection(connection);
      }
    }
  } finally {
    group.scheduled = false;
  }
}

async function runGroup(connection: SqliteConnection, members: Queued[], db: Database): Promise<void> {
  const committed: [Queued, unknown][] = [];
  for (const [index, member] of members.entries()) {
    try {
      if (!connection.inTransaction) connection.prepare('BEGIN IMMEDIATE').run();
      connection.prepare('SAVEPOINT light_transaction').run();
    } catch (error) {
      for (const rest of members.slice(index)) rest.reject(error);
      break;
    }
    const trx = transactionOn(db, connection);
    try {
      const result = await member.work(trx.db);
      connection.prepare('RELEASE light_transaction').run();
      committed.push([member, result]);
    } catch (error) {
      member.reject(error);
      if (!connection.inTransaction) {
        // SQLite rolled the whole transaction back by itself (e.g. on SQLITE_FULL): the group's
        // earlier members went with it; the next one begins a new transaction.
        for (const [lost] of committed.splice(0)) lost.reject(error);
        continue;
      }
      connection.prepare('ROLLBACK TO light_transaction').run();
      connection.prepare('RELEASE light_transaction').run();
    } finally {
      trx.end();
    }
  }
  if (committed.length === 0) {
    if (connection.inTransaction) connection.prepare('ROLLBACK').run();
    return;
  }
  try {
    connection.prepare('COMMIT').run();
  } catch (error) {
    if (connection.inTransaction) connection.prepare('ROLLBACK').run();
    for (const [member] of committed) member.reject(error);
    return;
  }
  for (const [member, result] of committed) member.resolve(result);
}

/**
 * A Database for one transaction on `connection` (a member of a group on SQLite): its
 * statements run there until it ends.
 */
export function transactionOn(db: Database, connection: unknown): { db: Database; end(): void } {
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
  return {
    db: trx,
    end() {
      completed = true;
      releaseBoundConnection(trx);
    },
  };
}
