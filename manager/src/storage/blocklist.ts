// A job's blocklist: the (worker, task type) pairs that may not run on that job.

import type { Database } from './database.ts';

export interface BlocklistEntry {
  workerId: string;
  workerName: string;
  taskType: string;
}

/** The documented cap of one blocklist answer (OpenAPI `JobBlocklist.maxItems`). */
export const MAX_BLOCKLIST_ENTRIES = 1000;

/** The job's blocklist by worker name, then task type. */
export async function fetchJobBlocklist(db: Database, jobId: string): Promise<BlocklistEntry[]> {
  const rows: { worker_id: string; worker_name: string; task_type: string }[] = await db('job_blocklist as b')
    .join('workers as w', 'w.id', 'b.worker_id')
    .where('b.job_id', jobId)
    .orderBy([{ column: 'w.name' }, { column: 'b.worker_id' }, { column: 'b.task_type' }])
    .limit(MAX_BLOCKLIST_ENTRIES)
    .select('b.worker_id', 'w.name as worker_name', 'b.task_type');
  return rows.map((row) => ({ workerId: row.worker_id, workerName: row.worker_name, taskType: row.task_type }));
}

/** Removes these pairs from the job's blocklist; pairs that are not on it are ignored. */
export async function removeFromJobBlocklist(db: Database, jobId: string, entries: readonly { workerId: string; taskType: string }[]): Promise<void> {
  await db.transaction(async (trx) => {
    for (const entry of entries) {
      await trx('job_blocklist').where({ job_id: jobId, worker_id: entry.workerId, task_type: entry.taskType }).delete();
    }
  });
}
