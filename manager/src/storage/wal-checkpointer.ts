// SQLite copies the WAL back into the database file (a checkpoint) at the commit that finds the
// WAL past 1,000 pages: that commit writes the pages a second time and waits for two fsyncs, on
// the event loop, while every request waits — a fifth of what assigning a task costs. Here a
// thread of its own copies the pages back several times a second (wal-checkpointer-thread.ts).
// While the manager keeps writing, such a checkpoint never quite catches up with it, and only a
// checkpoint that does lets SQLite start the WAL over: the manager's connection still makes one
// when the WAL reaches FALLBACK_CHECKPOINT_PAGES, with nearly every page already copied by then.

import { Worker } from 'node:worker_threads';
import type { Database } from './database.ts';

export const CHECKPOINT_INTERVAL_MS = 100;

/** The manager's connection checkpoints at this many pages of WAL (SQLite's default is 1,000). */
export const FALLBACK_CHECKPOINT_PAGES = 10_000;

export interface Checkpointer {
  /** Ends the thread; call it before the database closes. */
  stop(): Promise<void>;
}

export async function startCheckpointer(db: Database, file: string): Promise<Checkpointer> {
  const worker = new Worker(new URL('./wal-checkpointer-thread.ts', import.meta.url), {
    workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS },
    // It allocates next to nothing: a small heap keeps the thread's memory small.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
  });
  worker.unref();
  // A thread that fails leaves the checkpoints to the manager's connection.
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // SQLite has one connection here (database.ts); a new one would start at the default again.
  await db.raw(`PRAGMA wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
  return {
    async stop() {
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
