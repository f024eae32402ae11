// Knex's better-sqlite3 client prepares every statement anew, and for the scheduler's queries
// SQLite's planning costs more than running them. This keeps the most recently used prepared
// statements of a connection. Sharing one statement is safe: knex runs it to the end at once
// (`all` or `run`, synchronously), and SQLite prepares it again by itself after a schema change.

export interface PreparingConnection {
  prepare(sql: string): unknown;
}

export const STATEMENT_CACHE_SIZE = 200;

export function cachePreparedStatements(connection: PreparingConnection, size = STATEMENT_CACHE_SIZE): void {
  const prepare = connection.prepare.bind(connection);
  // A Map keeps insertion order: re-inserting on use makes the first key the least recently used.
  const statements = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (statement !== undefined) {
      statements.delete(sql);
    } else {
      statement = prepare(sql);
      if (statements.size >= size) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, statement);
    return statement;
  };
}
