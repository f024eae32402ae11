// Jobs and their tasks: storing a compiled job whole, reading jobs back, and the small changes
// people make to a job (priority, worker tag).

import type { CompiledJob } from '@tablao/compiler';
import type { JobStatus, TaskStatus } from '../domain/statuses.ts';
import { compareText } from '../domain/text-order.ts';
import type { FarmEvent } from '../events/event-bus.ts';
import { bulkInsert } from './bulk-insert.ts';
import { isPostgres, type Database } from './database.ts';

export interface JobRecord {
  id: string;
  name: string;
  jobType: string;
  jobTypeOrigin: string;
  jobTypeVersion: number | null;
  jobTypeEtag: string;
  priority: number;
  status: JobStatus;
  activity: string;
  settings: Record<string, unknown>;
  metadata: Record<string, string>;
  compileLog: CompiledJob['log'];
  workerTagId: string | null;
  submitterPlatform: string;
  shamanCheckoutId: string | null;
  deleteRequestedAt: string | null;
  createdAt: string;
  updatedAt: string;
  stepsCompleted: number;
  stepsTotal: number;
}

export interface NewJob {
  id: string;
  compiled: CompiledJob;
  jobTypeOrigin: string;
  jobTypeVersion: number | null;
  jobTypeEtag: string;
  status: string;
  submitterPlatform: string;
  shamanCheckoutId: string | null;
  workerTagId: string | null;
  now: string;
}

/**
 * Whether the databases keep this text as it is: PostgreSQL cannot take a NUL character, and a
 * lone UTF-16 surrogate would be replaced (or, inside JSON, make PostgreSQL's JSON functions fail).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\0') && value.isWellFormed();
}

const TASK_COLUMNS = {
  id: 'text',
  job_id: 'text',
  index_in_job: 'integer',
  name: 'text',
  type: 'text',
  priority: 'integer',
  status: 'text',
  activity: 'text',
  commands: 'text',
  steps_completed: 'integer',
  steps_total: 'integer',
  created_at: 'text',
  updated_at: 'text',
} as const;

const NEW_TASK_STATUS = 'queued';

/** Stores the job, its tasks and their dependencies in one transaction: all or nothing. */
export async function insertJob(db: Database, job: NewJob): Promise<void> {
  const { compiled, now } = job;
  await db.transaction(async (trx) => {
    await trx('jobs').insert({
      id: job.id,
      name: compiled.job.name,
      job_type: compiled.job.type,
      job_type_origin: job.jobTypeOrigin,
      job_type_version: job.jobTypeVersion,
      job_type_etag: job.jobTypeEtag,
      priority: compiled.job.priority,
      status: job.status,
      activity: '',
      settings: JSON.stringify(compiled.job.settings),
      metadata: JSON.stringify(compiled.job.metadata),
      compile_log: JSON.stringify(compiled.log),
      worker_tag_id: job.workerTagId,
      submitter_platform: job.submitterPlatform,
      shaman_checkout_id: job.shamanCheckoutId,
      created_at: now,
      updated_at: now,
    });
    // Rows are made as they are inserted: a big job's rows are never all held at once.
    await bulkInsert(trx, 'tasks', TASK_COLUMNS, taskRows(job.id, compiled.tasks, now));
    await bulkInsert(trx, 'task_dependencies', { task_id: 'text', depends_on_id: 'text' }, dependencyRows(compiled.tasks));
    // Counted here rather than by a trigger per row (migration 007).
    await trx('job_task_counts').insert({ job_id: job.id, status: NEW_TASK_STATUS, n: compiled.tasks.length });
  });
}

function* taskRows(jobId: string, tasks: CompiledJob['tasks'], now: string): Generator<unknown[]> {
  let index = 0;
  for (const task of tasks) {
    const stepsTotal = task.commands.reduce((sum, command) => sum + Math.max(1, command.totalStepCount), 0);
    yield [task.uuid, jobId, ++index, task.name, task.type, task.priority, NEW_TASK_STATUS, '', JSON.stringify(task.commands), 0, stepsTotal, now, now];
  }
}

/**
 * In the order of the table's key (task, dependency): the indexes then grow at their ends
 * instead of at random places, which makes a 10,000-dependency job (a video task after every
 * frame) several times quicker to store.
 */
function dependencyRows(tasks: CompiledJob['tasks']): [string, string][] {
  const rows: [string, string][] = [];
  for (const task of tasks) for (const dependency of task.dependencies) rows.push([task.uuid, dependency]);
  return rows.sort(([taskA, depA], [taskB, depB]) => compareText(taskA, taskB) || compareText(depA, depB));
}

export interface JobRow {
  id: string;
  name: string;
  job_type: string;
  job_type_origin: string;
  job_type_version: number | null;
  job_type_etag: string;
  priority: number;
  status: JobStatus;
  activity: string;
  settings: string;
  metadata: string;
  compile_log: string;
  worker_tag_id: string | null;
  submitter_platform: string;
  shaman_checkout_id: string | null;
  delete_requested_at: string | null;
  created_at: string;
  updated_at: string;
  steps_completed?: number | string | null;
  steps_total?: number | string | null;
}

export function jobFromRow(row: JobRow): JobRecord {
  return {
    id: row.id,
    name: row.name,
    jobType: row.job_type,
    jobTypeOrigin: row.job_type_origin,
    jobTypeVersion: row.job_type_version === null ? null : Number(row.job_type_version),
    jobTypeEtag: row.job_type_etag,
    priority: Number(row.priority),
    status: row.status,
    activity: row.activity,
    settings: JSON.parse(row.settings),
    metadata: JSON.parse(row.metadata),
    compileLog: JSON.parse(row.compile_log),
    workerTagId: row.worker_tag_id,
    submitterPlatform: row.submitter_platform,
    shamanCheckoutId: row.shaman_checkout_id,
    deleteRequestedAt: row.delete_requested_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    stepsCompleted: Number(row.steps_completed ?? 0),
    stepsTotal: Number(row.steps_total ?? 0),
  };
}

/** Adds each job's step counts, summed over its tasks (one query for the whole page). */
export async function withSteps(db: Database, rows: JobRow[]): Promise<JobRecord[]> {
  if (rows.length === 0) return [];
  const sums: { job_id: string; steps_completed: number | string; steps_total: number | string }[] = await db('tasks')
    .whereIn(
      'job_id',
      rows.map((r) => r.id),
    )
    .groupBy('job_id')
    .select('job_id')
    .sum({ steps_completed: 'steps_completed', steps_total: 'steps_total' });
  const byJob = new Map(sums.map((s) => [s.job_id, s]));
  return rows.map((row) => {
    const sum = byJob.get(row.id);
    return jobFromRow({ ...row, steps_completed: sum?.steps_completed ?? 0, steps_total: sum?.steps_total ?? 0 });
  });
}

export async function fetchJob(db: Database, id: string): Promise<JobRecord | undefined> {
  const row = await db('jobs').where('id', id).first<JobRow | undefined>();
  return row ? (await withSteps(db, [row]))[0] : undefined;
}

export async function jobExists(db: Database, id: string): Promise<boolean> {
  return (await db('jobs').where('id', id).first('id')) !== undefined;
}

export async function fetchJobs(db: Database, page: { offset: number; limit: number }): Promise<{ jobs: JobRecord[]; total: number }> {
  const rows = await db('jobs')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .offset(page.offset)
    .limit(page.limit);
  const [{ total }] = await db('jobs').count<{ total: number | string }[]>({ total: '*' });
  return { jobs: await withSteps(db, rows as JobRow[]), total: Number(total) };
}

/** A worker as tasks show it: Flamenco's `TaskWorker`. */
export interface TaskWorkerRecord {
  id: string;
  name: string;
  address: string;
}

export interface TaskSummaryRecord {
  id: string;
  name: string;
  status: TaskStatus;
  priority: number;
  indexInJob: number;
  taskType: string;
  updated: string;
  stepsCompleted: number;
  stepsTotal: number;
  workerId: string | null;
  /** The worker the task was last assigned to, when it still exists. */
  worker: TaskWorkerRecord | null;
}

/** The columns of a task summary, with its worker's (left-joined as `w`). */
export const TASK_SUMMARY_COLUMNS = [
  't.id',
  't.name',
  't.status',
  't.priority',
  't.index_in_job',
  't.type',
  't.updated_at',
  't.steps_completed',
  't.steps_total',
  't.worker_id',
  'w.name as worker_name',
  'w.address as worker_address',
] as const;

export interface TaskSummaryRow {
  id: string;
  name: string;
  status: TaskStatus;
  priority: number | string;
  index_in_job: number | string;
  type: string;
  updated_at: string;
  steps_completed: number | string;
  steps_total: number | string;
  worker_id: string | null;
  worker_name: string | null;
  worker_address: string | null;
}

export function taskSummaryFromRow(row: TaskSummaryRow): TaskSummaryRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    priority: Number(row.priority),
    indexInJob: Number(row.index_in_job),
    taskType: row.type,
    updated: row.updated_at,
    stepsCompleted: Number(row.steps_completed),
    stepsTotal: Number(row.steps_total),
    workerId: row.worker_id,
    worker: row.worker_id !== null && row.worker_name !== null ? { id: row.worker_id, name: row.worker_name, address: row.worker_address ?? '' } : null,
  };
}

export async function fetchJobTasks(
  db: Database,
  jobId: string,
  page: { offset: number; limit: number },
): Promise<{ tasks: TaskSummaryRecord[]; total: number }> {
  const rows: TaskSummaryRow[] = await db('tasks as t')
    .leftJoin('workers as w', 'w.id', 't.worker_id')
    .where('t.job_id', jobId)
    .orderBy('t.index_in_job')
    .offset(page.offset)
    .limit(page.limit)
    .select(TASK_SUMMARY_COLUMNS);
  const [{ total }] = await db('tasks').where('job_id', jobId).count<{ total: number | string }[]>({ total: '*' });
  return { tasks: rows.map(taskSummaryFromRow), total: Number(total) };
}

/**
 * Locks the job's row until the transaction ends, so that decisions about one job are taken one
 * at a time. PostgreSQL only: SQLite has a single connection, so its transactions never overlap.
 */
export async function lockJob(trx: Database, jobId: string): Promise<void> {
  if (isPostgres(trx)) await trx('jobs').where('id', jobId).forUpdate().select('id');
}

export async function updateJobPriority(db: Database, jobId: string, priority: number, now: string): Promise<void> {
  await db('jobs').where('id', jobId).update({ priority, updated_at: now });
}

/** The id of the worker tag with this id or this name, if there is one. */
export async function findWorkerTagId(db: Database, tag: { id?: string; name?: string }): Promise<string | undefined> {
  const query = db('worker_tags');
  if (tag.id !== undefined) query.where('id', tag.id);
  else if (tag.name !== undefined) query.where('name', tag.name);
  else return undefined;
  const row = await query.first<{ id: string } | undefined>('id');
  return row?.id;
}

export async function updateJobWorkerTag(db: Database, jobId: string, workerTagId: string | null, now: string): Promise<void> {
  await db('jobs').where('id', jobId).update({ worker_tag_id: workerTagId, updated_at: now });
}

/** Flamenco's `EventJobUpdate` for a job as it is now; `extra` adds or overrides fields. */
export function jobUpdateEvent(job: JobRecord, extra: Record<string, unknown> = {}): FarmEvent {
  return {
    type: 'job',
    data: {
      id: job.id,
      name: job.name,
      updated: job.updatedAt,
      status: job.status,
      type: job.jobType,
      priority: job.priority,
      refresh_tasks: false,
      steps_completed: job.stepsCompleted,
      steps_total: job.stepsTotal,
      ...(job.deleteRequestedAt ? { delete_requested_at: job.deleteRequestedAt } : {}),
      ...extra,
    },
  };
}

/** Jobs by id, in no particular order; ids that do not exist are left out. */
export async function fetchJobsByIds(db: Database, ids: readonly string[]): Promise<JobRecord[]> {
  if (ids.length === 0) return [];
  const rows: JobRow[] = await db('jobs').whereIn('id', ids);
  return withSteps(db, rows);
}
