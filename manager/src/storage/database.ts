// Opens the manager's database: the embedded SQLite file in the data folder (WAL, foreign
// keys, a busy timeout), or PostgreSQL when the configuration names a database URL. Both run
// the same migrations and the same queries.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import knex, { type Knex } from 'knex';
import { migrationSource } from './migration-source.ts';
import { cachePreparedStatements, type PreparingConnection } from './statement-cache.ts';

export type Database = Knex;

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; otherwise the path of the SQLite file (or `:memory:`). */
  url: string;
  /** PostgreSQL only: the schema to use (created if missing); tests use one each. */
  schema?: string;
}

export function isPostgres(db: Database): boolean {
  return db.client.config.client === 'pg';
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const db = isPostgresUrl(options.url) ? await openPostgres(options.url, options.schema) : openSqlite(options.url);
  await db.migrate.latest({ migrationSource });
  return db;
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The SQLite file a database URL names; undefined for PostgreSQL and for a database in memory. */
export function sqliteFileOf(url: string): string | undefined {
  return isPostgresUrl(url) || url === ':memory:' ? undefined : url;
}

async function openPostgres(url: string, schema: string | undefined): Promise<Database> {
  const db = knex({ client: 'pg', connection: url, pool: { min: 1, max: 10 }, ...(schema ? { searchPath: [schema] } : {}) });
  if (schema) await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  return db;
}

const readers = new WeakMap<Knex.Client, BetterSqlite3.Database>();

/**
 * A read-only connection to the SQLite file, for statements outside any transaction: they read
 * what was committed without waiting for the one writing connection, which a group of
 * transactions may hold (light-transaction.ts). Undefined for PostgreSQL and a database in memory.
 */
export function sqliteReader(db: Database): BetterSqlite3.Database | undefined {
  let reader = readers.get(db.client);
  if (reader === undefined) {
    const file = (db.client.config.connection as { filename?: string } | undefined)?.filename;
    if (isPostgres(db) || file === undefined || sqliteFileOf(file) === undefined) return undefined;
    // Not opened read-only: such a connection cannot always take a WAL read mark of its own and
    // then sleeps in SQLite's busy handler, on the event loop. query_only keeps it from writing.
    reader = new BetterSqlite3(file, { fileMustExist: true });
    reader.pragma('busy_timeout = 20000');
    reader.pragma('query_only = ON');
    cachePreparedStatements(reader as unknown as PreparingConnection);
    readers.set(db.client, reader);
  }
  return reader;
}

function openSqlite(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    // One connection: SQLite writes are serialised anyway, and one connection keeps
    // transactions simple and the WAL consistent.
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: PreparingConnection & { pragma(statement: string): unknown }, done: (error: Error | null, connection: unknown) => void) {
        cachePreparedStatements(connection);
        connection.pragma('journal_mode = WAL');
        connection.pragma('synchronous = NORMAL');
        connection.pragma('foreign_keys = ON');
        connection.pragma('busy_timeout = 20000');
        // 8 MB of pages (2 MB by default): a big submission's inserts stay in memory until they are committed.
        connection.pragma('cache_size = -8000');
        done(null, connection);
      },
    },
  });
  const client = db.client as Knex.Client & { destroy(callback?: unknown): Promise<void> };
  const destroy = client.destroy.bind(client);
  // Closing the database closes its reader too.
  client.destroy = (callback?: unknown) => {
    readers.get(client)?.close();
    readers.delete(client);
    return destroy(callback);
  };
  return db;
}
