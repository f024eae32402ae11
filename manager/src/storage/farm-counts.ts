// The farm at a glance: how many workers and jobs are in each status (for the farm status).

import type { JobStatusCounts, WorkerStatusCounts } from '../domain/farm-status.ts';
import type { Database } from './database.ts';

/** Workers that were not deleted, by status. */
export async function countWorkersByStatus(db: Database): Promise<WorkerStatusCounts> {
  const rows: { status: string; n: number | string }[] = await db('workers').whereNull('deleted_at').groupBy('status').select('status').count({ n: '*' });
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

/** Jobs by status, leaving out jobs that are being deleted: they will not be worked on. */
export async function countJobsByStatus(db: Database): Promise<JobStatusCounts> {
  const rows: { status: string; n: number | string }[] = await db('jobs')
    .whereNull('delete_requested_at')
    .groupBy('status')
    .select('status')
    .count({ n: '*' });
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}
