// Workers as people see and steer them: listing, reading one with its task and tags, soft
// deletion and the never-blocklist mark. Registration and sign-on live in workers.ts.

import type { StatusChangeRequest } from '../domain/effects.ts';
import type { TaskStatus, WorkerStatus } from '../domain/statuses.ts';
import type { WorkerState } from '../domain/worker-status-requests.ts';
import type { Database } from './database.ts';
import { parseSupportedTaskTypes } from './workers.ts';

export interface WorkerRecord {
  id: string;
  name: string;
  address: string;
  platform: string;
  software: string;
  status: WorkerStatus;
  request: StatusChangeRequest | null;
  supportedTaskTypes: string[];
  canRestart: boolean;
  neverBlocklist: boolean;
  lastSeenAt: string | null;
  deletedAt: string | null;
  updatedAt: string;
}

interface WorkerRow {
  id: string;
  name: string;
  address: string;
  platform: string;
  software: string;
  status: string;
  status_requested: string | null;
  lazy_status_request: boolean | number;
  supported_task_types: string;
  can_restart: boolean | number;
  never_blocklist: boolean | number;
  last_seen_at: string | null;
  deleted_at: string | null;
  updated_at: string;
}

const WORKER_COLUMNS = [
  'id',
  'name',
  'address',
  'platform',
  'software',
  'status',
  'status_requested',
  'lazy_status_request',
  'supported_task_types',
  'can_restart',
  'never_blocklist',
  'last_seen_at',
  'deleted_at',
  'updated_at',
];

function workerFromRow(row: WorkerRow): WorkerRecord {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    platform: row.platform,
    software: row.software,
    status: row.status as WorkerStatus,
    request: row.status_requested ? { status: row.status_requested as WorkerStatus, isLazy: Boolean(row.lazy_status_request) } : null,
    supportedTaskTypes: parseSupportedTaskTypes(row.supported_task_types),
    canRestart: Boolean(row.can_restart),
    neverBlocklist: Boolean(row.never_blocklist),
    lastSeenAt: row.last_seen_at,
    deletedAt: row.deleted_at,
    updatedAt: row.updated_at,
  };
}

/** The domain's view of a worker, for status requests and deletion. */
export function workerState(worker: WorkerRecord): WorkerState {
  return { id: worker.id, name: worker.name, status: worker.status, request: worker.request, canRestart: worker.canRestart };
}

/** A worker that was not deleted, or undefined. */
export async function fetchWorkerRecord(db: Database, id: string): Promise<WorkerRecord | undefined> {
  const row = await db('workers').where('id', id).whereNull('deleted_at').first<WorkerRow | undefined>(WORKER_COLUMNS);
  return row ? workerFromRow(row) : undefined;
}

/** Workers that were not deleted, by name (then id, so pages are stable). */
export async function listWorkers(db: Database, page: { offset: number; limit: number }): Promise<{ workers: WorkerRecord[]; total: number }> {
  const [count] = await db('workers').whereNull('deleted_at').count({ n: '*' });
  const rows: WorkerRow[] = await db('workers')
    .whereNull('deleted_at')
    .orderBy([{ column: 'name' }, { column: 'id' }])
    .offset(page.offset)
    .limit(page.limit)
    .select(WORKER_COLUMNS);
  return { workers: rows.map(workerFromRow), total: Number(count?.n ?? 0) };
}

export interface WorkerTaskRecord {
  id: string;
  jobId: string;
  name: string;
  status: TaskStatus;
  indexInJob: number;
  priority: number;
  taskType: string;
  updated: string;
  stepsCompleted: number;
  stepsTotal: number;
}

/** The worker's current task (active, in an active job), else the task it last worked on. */
export async function fetchWorkerTask(db: Database, workerId: string): Promise<WorkerTaskRecord | undefined> {
  const row = await db('tasks')
    .join('jobs', 'jobs.id', 'tasks.job_id')
    .where('tasks.worker_id', workerId)
    .orderByRaw('CASE WHEN tasks.status = ? AND jobs.status = ? THEN 0 ELSE 1 END', ['active', 'active'])
    .orderBy('tasks.updated_at', 'desc')
    .first<
      | {
          id: string;
          job_id: string;
          name: string;
          status: TaskStatus;
          index_in_job: number | string;
          priority: number | string;
          type: string;
          updated_at: string;
          steps_completed: number | string;
          steps_total: number | string;
        }
      | undefined
    >(
      'tasks.id',
      'tasks.job_id',
      'tasks.name',
      'tasks.status',
      'tasks.index_in_job',
      'tasks.priority',
      'tasks.type',
      'tasks.updated_at',
      'tasks.steps_completed',
      'tasks.steps_total',
    );
  if (!row) return undefined;
  return {
    id: row.id,
    jobId: row.job_id,
    name: row.name,
    status: row.status,
    indexInJob: Number(row.index_in_job),
    priority: Number(row.priority),
    taskType: row.type,
    updated: row.updated_at,
    stepsCompleted: Number(row.steps_completed),
    stepsTotal: Number(row.steps_total),
  };
}

/** Soft deletion: the row stays (tasks and failures refer to it) but the worker is gone from the farm. */
export async function softDeleteWorker(trx: Database, workerId: string, now: string): Promise<void> {
  await trx('workers').where('id', workerId).update({ deleted_at: now, updated_at: now });
}

/** Sets the never-blocklist mark; marking a worker also takes it off every job's blocklist. */
export async function setWorkerNeverBlocklist(trx: Database, workerId: string, neverBlocklist: boolean, now: string): Promise<number> {
  await trx('workers').where('id', workerId).update({ never_blocklist: neverBlocklist, updated_at: now });
  if (!neverBlocklist) return 0;
  return trx('job_blocklist').where('worker_id', workerId).delete();
}
