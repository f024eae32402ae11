// Jobs for tests, put straight into the database (no job type, no compile): a farm of jobs in
// the states a test needs (insertFarmJob), or a queued job of tasks of one task type
// (insertJobOfType).

import { randomUUID } from 'node:crypto';
import type { CompiledJob } from '@tablao/compiler';
import type { JobStatus, TaskStatus } from '../../src/domain/statuses.ts';
import type { Database } from '../../src/storage/database.ts';
import { insertJob } from '../../src/storage/jobs.ts';

export interface FarmTask {
  name?: string;
  type?: string;
  priority?: number;
  status?: TaskStatus;
  /** Positions (0-based) of tasks of the same job this one waits for. */
  dependsOn?: number[];
  workerId?: string | null;
  failedBy?: string[];
  commands?: CompiledJob['tasks'][number]['commands'];
}

export interface FarmJob {
  name?: string;
  priority?: number;
  status?: JobStatus;
  createdAt?: string;
  workerTagId?: string | null;
  blocklist?: { workerId: string; taskType: string }[];
  tasks: FarmTask[];
}

let clockTick = Date.parse('2026-01-01T00:00:00.000Z');
/** Distinct creation times in insertion order, unless a test sets them. */
export function nextCreatedAt(): string {
  clockTick += 1000;
  return new Date(clockTick).toISOString();
}

/** Stores a job and its tasks as a submission would, then puts them in the state described. */
export async function insertFarmJob(db: Database, job: FarmJob): Promise<{ jobId: string; taskIds: string[] }> {
  const jobId = randomUUID();
  const taskIds = job.tasks.map(() => randomUUID());
  const compiled: CompiledJob = {
    job: { name: job.name ?? 'farm job', type: 'echo-sleep-test', priority: job.priority ?? 50, settings: {}, metadata: {} },
    tasks: job.tasks.map((task, index) => ({
      uuid: taskIds[index] as string,
      name: task.name ?? `task-${index + 1}`,
      type: task.type ?? 'misc',
      priority: task.priority ?? 50,
      commands: task.commands ?? [{ name: 'echo', parameters: { message: `task ${index + 1}` }, totalStepCount: 0 }],
      dependencies: (task.dependsOn ?? []).map((position) => taskIds[position] as string),
    })),
    log: [],
  };
  await insertJob(db, {
    id: jobId,
    compiled,
    jobTypeOrigin: 'built-in',
    jobTypeVersion: null,
    jobTypeEtag: 'test',
    status: job.status ?? 'queued',
    submitterPlatform: 'linux',
    shamanCheckoutId: null,
    workerTagId: job.workerTagId ?? null,
    now: job.createdAt ?? nextCreatedAt(),
  });
  for (const [index, task] of job.tasks.entries()) {
    const id = taskIds[index] as string;
    if (task.status !== undefined || task.workerId !== undefined) {
      await db('tasks')
        .where('id', id)
        .update({ status: task.status ?? 'queued', worker_id: task.workerId ?? null });
    }
    for (const workerId of task.failedBy ?? []) await db('task_failures').insert({ task_id: id, worker_id: workerId, created_at: nextCreatedAt() });
  }
  for (const entry of job.blocklist ?? []) {
    await db('job_blocklist').insert({ job_id: jobId, worker_id: entry.workerId, task_type: entry.taskType, created_at: nextCreatedAt() });
  }
  return { jobId, taskIds };
}

/**
 * A queued job of `count` tasks of one task type, each with one echo command of
 * `stepsPerTask` steps. Tests use a task type of their own (uniqueTaskType), so that only
 * their own workers count as able to run it.
 */
export function insertJobOfType(db: Database, type: string, count: number, stepsPerTask = 0): Promise<{ jobId: string; taskIds: string[] }> {
  return insertFarmJob(db, {
    name: `job of ${type}`,
    tasks: Array.from({ length: count }, (_, index) => ({
      name: `${type}-${index + 1}`,
      type,
      commands: [{ name: 'echo', parameters: { message: 'hi' }, totalStepCount: stepsPerTask }],
    })),
  });
}

export function uniqueTaskType(): string {
  return `type-${randomUUID().slice(0, 8)}`;
}
