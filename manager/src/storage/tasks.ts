// Single tasks as people look at them, and a job's tasks as a dependency graph.

import type { CompiledJob } from '@tablao/compiler';
import type { TaskStatus } from '../domain/statuses.ts';
import type { Database } from './database.ts';
import type { TaskWorkerRecord } from './jobs.ts';

export interface TaskRecord {
  id: string;
  jobId: string;
  indexInJob: number;
  name: string;
  taskType: string;
  priority: number;
  status: TaskStatus;
  activity: string;
  /** As the job type's script made them, before variables are replaced. */
  commands: CompiledJob['tasks'][number]['commands'];
  stepsCompleted: number;
  stepsTotal: number;
  worker: TaskWorkerRecord | null;
  lastTouchedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Workers that failed this task, first failure first. */
  failedBy: TaskWorkerRecord[];
}

/** What deciding about a task needs: its status and its job. */
export interface TaskStatusOfJob {
  id: string;
  jobId: string;
  status: TaskStatus;
}

export async function fetchTaskStatus(db: Database, taskId: string): Promise<TaskStatusOfJob | undefined> {
  const row = await db('tasks').where('id', taskId).first<{ id: string; job_id: string; status: TaskStatus } | undefined>('id', 'job_id', 'status');
  return row ? { id: row.id, jobId: row.job_id, status: row.status } : undefined;
}

export async function fetchTask(db: Database, taskId: string): Promise<TaskRecord | undefined> {
  const row = await db('tasks as t')
    .leftJoin('workers as w', 'w.id', 't.worker_id')
    .where('t.id', taskId)
    .first('t.*', 'w.name as worker_name', 'w.address as worker_address');
  if (!row) return undefined;
  const failures: { id: string; name: string; address: string }[] = await db('task_failures as f')
    .join('workers as w', 'w.id', 'f.worker_id')
    .where('f.task_id', taskId)
    .orderBy([{ column: 'f.created_at' }, { column: 'w.name' }])
    .select('w.id', 'w.name', 'w.address');
  return {
    id: row.id,
    jobId: row.job_id,
    indexInJob: Number(row.index_in_job),
    name: row.name,
    taskType: row.type,
    priority: Number(row.priority),
    status: row.status,
    activity: row.activity,
    commands: JSON.parse(row.commands),
    stepsCompleted: Number(row.steps_completed),
    stepsTotal: Number(row.steps_total),
    worker: row.worker_id && row.worker_name !== null ? { id: row.worker_id, name: row.worker_name, address: row.worker_address ?? '' } : null,
    lastTouchedAt: row.last_touched_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    failedBy: failures.map((f) => ({ id: f.id, name: f.name, address: f.address })),
  };
}

export interface JobGraph {
  nodes: { id: string; name: string; taskType: string; status: TaskStatus; indexInJob: number }[];
  /** `to` waits for `from`. */
  edges: { from: string; to: string }[];
}

/** The job's tasks in task order, and their dependencies in the order of the waiting tasks. */
export async function fetchJobGraph(db: Database, jobId: string): Promise<JobGraph> {
  const tasks: { id: string; name: string; type: string; status: TaskStatus; index_in_job: number | string }[] = await db('tasks')
    .where('job_id', jobId)
    .orderBy('index_in_job')
    .select('id', 'name', 'type', 'status', 'index_in_job');
  const dependencies: { task_id: string; depends_on_id: string }[] = await db('task_dependencies as d')
    .join('tasks as waiting', 'waiting.id', 'd.task_id')
    .join('tasks as first', 'first.id', 'd.depends_on_id')
    .where('waiting.job_id', jobId)
    .orderBy([{ column: 'waiting.index_in_job' }, { column: 'first.index_in_job' }])
    .select('d.task_id', 'd.depends_on_id');
  return {
    nodes: tasks.map((t) => ({ id: t.id, name: t.name, taskType: t.type, status: t.status, indexInJob: Number(t.index_in_job) })),
    edges: dependencies.map((d) => ({ from: d.depends_on_id, to: d.task_id })),
  };
}
