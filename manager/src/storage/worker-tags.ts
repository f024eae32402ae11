// Worker tags: named groups of workers that a job can be restricted to.

import type { Database } from './database.ts';

export async function workerTagExists(db: Database, id: string): Promise<boolean> {
  return (await db('worker_tags').where('id', id).first('id')) !== undefined;
}
