// A job as the state machine sees it: its status and its tasks counted by status.

import { taskCounts } from '../domain/task-counts.ts';
import type { JobSnapshot } from '../domain/task-state-machine.ts';
import type { JobStatus, TaskStatus } from '../domain/statuses.ts';
import type { Database } from './database.ts';

export async function loadJobSnapshot(db: Database, jobId: string): Promise<JobSnapshot | undefined> {
  const job = await db('jobs').where('id', jobId).first<{ status: JobStatus } | undefined>('status');
  if (!job) return undefined;
  const rows: { status: TaskStatus; n: number | string }[] = await db('tasks')
    .where('job_id', jobId)
    .groupBy('status')
    .select('status')
    .count({ n: '*' });
  const counts: Partial<Record<TaskStatus, number>> = {};
  for (const row of rows) counts[row.status] = Number(row.n);
  return { id: jobId, status: job.status, taskCounts: taskCounts(counts) };
}
