// The status values of jobs, tasks and workers, exactly as Flamenco's API spells them, and the
// groups of statuses the farm's rules talk about.

export const JOB_STATUSES = [
  'under-construction',
  'queued',
  'active',
  'paused',
  'pause-requested',
  'completed',
  'failed',
  'cancel-requested',
  'canceled',
  'requeueing',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TASK_STATUSES = ['queued', 'active', 'soft-failed', 'completed', 'failed', 'canceled', 'paused'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const WORKER_STATUSES = ['starting', 'awake', 'asleep', 'error', 'testing', 'offline', 'restart'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

export function isWorkerStatus(value: string): value is WorkerStatus {
  return (WORKER_STATUSES as readonly string[]).includes(value);
}

/** Tasks that are running or may still run without anyone stepping in. */
export const RUNNABLE_TASK_STATUSES: readonly TaskStatus[] = ['active', 'queued', 'soft-failed'];

/** Tasks the scheduler may hand to a worker (an active task already has one). */
export const SCHEDULABLE_TASK_STATUSES: readonly TaskStatus[] = ['queued', 'soft-failed'];

/** Jobs whose tasks the scheduler may hand out. */
export const SCHEDULABLE_JOB_STATUSES: readonly JobStatus[] = ['queued', 'active'];

/** Jobs that rest until a person acts on them. */
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'canceled'];

/** Passing job statuses that a restart must re-apply, or the job would stay in them forever. */
export const TRANSITIONAL_JOB_STATUSES: readonly JobStatus[] = ['cancel-requested', 'requeueing', 'pause-requested'];

/** The statuses a worker itself may report for its task; `soft-failed` is the manager's call. */
export const WORKER_REPORTABLE_TASK_STATUSES: readonly TaskStatus[] = ['active', 'completed', 'failed'];

export function isTaskRunnable(status: TaskStatus): boolean {
  return RUNNABLE_TASK_STATUSES.includes(status);
}

export function isTaskSchedulable(status: TaskStatus): boolean {
  return SCHEDULABLE_TASK_STATUSES.includes(status);
}

export function isJobSchedulable(status: JobStatus): boolean {
  return SCHEDULABLE_JOB_STATUSES.includes(status);
}

export function isJobFinal(status: JobStatus): boolean {
  return FINAL_JOB_STATUSES.includes(status);
}

export function isJobTransitional(status: JobStatus): boolean {
  return TRANSITIONAL_JOB_STATUSES.includes(status);
}

/** A worker may keep executing a task only while the task is `active` (Flamenco's CanWorkerRun). */
export function mayWorkerKeepRunning(status: TaskStatus): boolean {
  return status === 'active';
}
