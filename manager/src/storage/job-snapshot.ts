// A job as the state machine sees it: its status and its tasks counted by status, as the
// database keeps them counted (migration 005), so that this costs the same for a job of 10 or
// 100,000 tasks.
//
// The job and its counts come in one query without a join: SQLite plans a join whose column is
// compared with a bound value anew at every run, which costs more than running it.

import { taskCounts } from '../domain/task-counts.ts';
import type { JobSnapshot } from '../domain/task-state-machine.ts';
import type { JobStatus, TaskStatus } from '../domain/statuses.ts';
import type { Database } from './database.ts';
import { queryRows } from './direct-sql.ts';

/** The job's row (`job_status` set) or one of its counts (`counted_status` and `counted` set). */
export interface SnapshotRow {
  job_status: string | null;
  counted_status: string | null;
  counted: number | string | null;
}

const SNAPSHOT_SQL = `SELECT status AS job_status, NULL AS counted_status, NULL AS counted FROM jobs WHERE id = ?
  UNION ALL SELECT NULL, status, n FROM job_task_counts WHERE job_id = ?`;

export async function loadJobSnapshot(db: Database, jobId: string): Promise<JobSnapshot | undefined> {
  return snapshotFromRows(jobId, await queryRows<SnapshotRow>(db, SNAPSHOT_SQL, [jobId, jobId]));
}

/** The snapshot from the job's row and its count rows, in any order; undefined without the job's row. */
export function snapshotFromRows(jobId: string, rows: readonly SnapshotRow[]): JobSnapshot | undefined {
  let status: JobStatus | undefined;
  const counts: Partial<Record<TaskStatus, number>> = {};
  for (const row of rows) {
    if (row.job_status !== null) status = row.job_status as JobStatus;
    if (row.counted_status !== null) counts[row.counted_status as TaskStatus] = Number(row.counted);
  }
  return status === undefined ? undefined : { id: jobId, status, taskCounts: taskCounts(counts) };
}
