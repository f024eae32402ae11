// Jobs and their tasks: storing a compiled job whole, and reading jobs back.

import type { CompiledJob } from '@tablao/compiler';
import type { Database } from './database.ts';

export interface JobRecord {
  id: string;
  name: string;
  jobType: string;
  jobTypeOrigin: string;
  jobTypeVersion: number | null;
  jobTypeEtag: string;
  priority: number;
  status: string;
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

/** Rows per INSERT statement: well under SQLite's 32,766 bound variables. */
const ROWS_PER_INSERT = 1000;

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
    const tasks = compiled.tasks.map((task, index) => ({
      id: task.uuid,
      job_id: job.id,
      index_in_job: index + 1,
      name: task.name,
      type: task.type,
      priority: task.priority,
      status: 'queued',
      activity: '',
      commands: JSON.stringify(task.commands),
      steps_completed: 0,
      steps_total: task.commands.reduce((sum, command) => sum + Math.max(1, command.totalStepCount), 0),
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < tasks.length; i += ROWS_PER_INSERT) await trx('tasks').insert(tasks.slice(i, i + ROWS_PER_INSERT));
    const dependencies = compiled.tasks.flatMap((task) => task.dependencies.map((dep) => ({ task_id: task.uuid, depends_on_id: dep })));
    for (let i = 0; i < dependencies.length; i += ROWS_PER_INSERT) {
      await trx('task_dependencies').insert(dependencies.slice(i, i + ROWS_PER_INSERT));
    }
  });
}

interface JobRow {
  id: string;
  name: string;
  job_type: string;
  job_type_origin: string;
  job_type_version: number | null;
  job_type_etag: string;
  priority: number;
  status: string;
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

function jobFromRow(row: JobRow): JobRecord {
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
async function withSteps(db: Database, rows: JobRow[]): Promise<JobRecord[]> {
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

export interface TaskSummaryRecord {
  id: string;
  name: string;
  status: string;
  priority: number;
  indexInJob: number;
  taskType: string;
  updated: string;
  stepsCompleted: number;
  stepsTotal: number;
  workerId: string | null;
}

export async function fetchJobTasks(
  db: Database,
  jobId: string,
  page: { offset: number; limit: number },
): Promise<{ tasks: TaskSummaryRecord[]; total: number }> {
  const rows = await db('tasks')
    .where('job_id', jobId)
    .orderBy('index_in_job')
    .offset(page.offset)
    .limit(page.limit)
    .select('id', 'name', 'status', 'priority', 'index_in_job', 'type', 'updated_at', 'steps_completed', 'steps_total', 'worker_id');
  const [{ total }] = await db('tasks').where('job_id', jobId).count<{ total: number | string }[]>({ total: '*' });
  return {
    tasks: rows.map((row) => ({
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
    })),
    total: Number(total),
  };
}
