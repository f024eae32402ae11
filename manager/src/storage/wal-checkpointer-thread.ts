// The thread of wal-checkpointer.ts: on a connection of its own, copies the WAL back into the
// database file every few moments. A passive checkpoint never waits for the writer, nor makes it
// wait; when the database is busy it is simply tried again next time.

import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

interface Connection {
  pragma(statement: string): unknown;
  close(): void;
}

const require = createRequire(import.meta.url);
const BetterSqlite = require('better-sqlite3') as new (file: string, options: { fileMustExist: boolean }) => Connection;

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const connection = new BetterSqlite(file, { fileMustExist: true });
connection.pragma('busy_timeout = 1000');

const timer = setInterval(() => {
  try {
    connection.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next round tries again, and the manager's own connection checkpoints if the WAL grows too far.
  }
}, intervalMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try {
    connection.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The manager's connection checkpoints when it closes.
  }
  connection.close();
  parentPort?.close();
});
