// Task updates the manager could not take yet, kept in SQLite in the worker's data folder
// (`tablao-worker.sqlite`) until they are delivered: they survive a lost network, a manager
// restart and a restart of the worker itself. Ids only grow, so reading by id is sending order.

import Database from 'better-sqlite3';
import type { TaskUpdate } from '../manager/manager-client.ts';

export const QUEUE_FILE_NAME = 'tablao-worker.sqlite';

export interface QueuedUpdate {
  readonly id: number;
  readonly taskId: string;
  readonly update: TaskUpdate;
}

export class UpdateQueueError extends Error {}

const SCHEMA_VERSION = 1;

interface Row {
  id: number;
  task_id: string;
  payload: string;
}

export class UpdateQueue {
  readonly file: string;
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, string, string]>;
  readonly #oldest: Database.Statement<[number], Row>;
  readonly #deleteThrough: Database.Statement<[number]>;
  readonly #count: Database.Statement<[], { n: number }>;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.#db = db;
    this.#insert = db.prepare('INSERT INTO task_updates (created_at, task_id, payload) VALUES (?, ?, ?)');
    this.#oldest = db.prepare('SELECT id, task_id, payload FROM task_updates ORDER BY id LIMIT ?');
    this.#deleteThrough = db.prepare('DELETE FROM task_updates WHERE id <= ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM task_updates');
  }

  /** Opens (or makes) the queue; an UpdateQueueError says what is wrong with the file and what to do. */
  static open(file: string): UpdateQueue {
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      // Every update is on disk before the worker goes on: a power cut loses none either.
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new UpdateQueueError(`${file} was written by a newer Tablao worker; run that version, or delete the file (its unsent task updates are lost)`);
      }
      db.exec(`CREATE TABLE IF NOT EXISTS task_updates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        task_id TEXT NOT NULL,
        payload TEXT NOT NULL
      )`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      return new UpdateQueue(file, db);
    } catch (error) {
      db?.close();
      if (error instanceof UpdateQueueError) throw error;
      throw new UpdateQueueError(
        `the worker's update queue ${file} cannot be opened (${(error as Error).message}); ` +
          'check that the data folder is writable, or delete the file if it is damaged (its unsent task updates are lost)',
        { cause: error },
      );
    }
  }

  append(taskId: string, update: TaskUpdate, now = new Date()): void {
    this.#insert.run(now.toISOString(), taskId, JSON.stringify(update));
  }

  /** The oldest `limit` updates, in sending order. */
  oldest(limit: number): QueuedUpdate[] {
    return this.#oldest.all(limit).map((row) => ({ id: row.id, taskId: row.task_id, update: JSON.parse(row.payload) as TaskUpdate }));
  }

  /** Forgets every update up to and including `id` (they were delivered, or can never be). */
  removeThrough(id: number): void {
    this.#deleteThrough.run(id);
  }

  get size(): number {
    return this.#count.get()?.n ?? 0;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
