import { isJobSchedulable, isTaskSchedulable } from './statuses.ts';
import type { JobStatus, TaskStatus } from './statuses.ts';
import { compareText } from './text-order.ts';

// Which task a worker gets when it asks for work. The database does the same in one SQL query;
// this module is the reference, and its tests are the cases that query is tested against.

export interface DispatchWorker {
  readonly id: string;
  readonly supportedTaskTypes: readonly string[];
  readonly tagIds: readonly string[];
}

export interface BlocklistEntry {
  readonly workerId: string;
  readonly taskType: string;
}

export interface DispatchJob {
  readonly id: string;
  readonly status: JobStatus;
  /** 0–100, higher first. */
  readonly priority: number;
  /** Milliseconds since the epoch; older jobs go first among equal priorities. */
  readonly createdAt: number;
  /** Null: any worker may run the job's tasks. */
  readonly workerTagId: string | null;
  readonly blocklist: readonly BlocklistEntry[];
}

export interface DispatchTask {
  readonly id: string;
  readonly job: DispatchJob;
  readonly status: TaskStatus;
  readonly priority: number;
  /** 1-based position of the task in its job, in the order the job type added it. */
  readonly indexInJob: number;
  readonly type: string;
  /** The statuses of the tasks this one depends on. */
  readonly dependencyStatuses: readonly TaskStatus[];
  /** Workers that failed this task; none of them gets it again. */
  readonly failedByWorkerIds: readonly string[];
  /** The worker it is assigned to when active; on a queued task only the last one that had it. */
  readonly workerId: string | null;
}

export type NotRunnableReason =
  | 'job-not-schedulable'
  | 'task-not-schedulable'
  | 'dependencies-incomplete'
  | 'task-type-unsupported'
  | 'worker-tag-mismatch'
  | 'worker-blocklisted'
  | 'failed-by-worker-before';

/** Why this worker may not get this task now, or null when it may. */
export function whyNotRunnable(task: DispatchTask, worker: DispatchWorker): NotRunnableReason | null {
  if (!isJobSchedulable(task.job.status)) return 'job-not-schedulable';
  if (!isTaskSchedulable(task.status)) return 'task-not-schedulable';
  if (task.dependencyStatuses.some((status) => status !== 'completed')) return 'dependencies-incomplete';
  if (!worker.supportedTaskTypes.includes(task.type)) return 'task-type-unsupported';
  if (task.job.workerTagId !== null && !worker.tagIds.includes(task.job.workerTagId)) return 'worker-tag-mismatch';
  if (task.job.blocklist.some((entry) => entry.workerId === worker.id && entry.taskType === task.type)) return 'worker-blocklisted';
  if (task.failedByWorkerIds.includes(worker.id)) return 'failed-by-worker-before';
  return null;
}

export function isRunnableBy(task: DispatchTask, worker: DispatchWorker): boolean {
  return whyNotRunnable(task, worker) === null;
}

/**
 * The dispatch order: job priority (high first), task priority (high first), job age (old
 * first), then the task's place in its job. Flamenco stops after the two priorities and relies
 * on SQLite's row order. The job id sits between age and place only to keep two jobs created in
 * the same millisecond apart; the SQL must order by the same id.
 */
export function compareForDispatch(a: DispatchTask, b: DispatchTask): number {
  return (
    b.job.priority - a.job.priority ||
    b.priority - a.priority ||
    a.job.createdAt - b.job.createdAt ||
    compareText(a.job.id, b.job.id) ||
    a.indexInJob - b.indexInJob
  );
}

export type TaskChoice =
  /** The worker already runs this task (it asks again after a crash or reconnect): hand it back. */
  | { readonly kind: 'resume'; readonly task: DispatchTask }
  /** Assign this task: set its worker, touch it, and change it to active through the state machine. */
  | { readonly kind: 'assign'; readonly task: DispatchTask }
  | { readonly kind: 'none' };

/** The task for a worker that asks for work (and may get some, see worker-status-requests.ts). */
export function chooseTaskFor(worker: DispatchWorker, tasks: readonly DispatchTask[]): TaskChoice {
  const own = tasks
    .filter((task) => task.status === 'active' && task.workerId === worker.id && isJobSchedulable(task.job.status))
    .sort(compareForDispatch);
  if (own[0] !== undefined) return { kind: 'resume', task: own[0] };

  let best: DispatchTask | undefined;
  for (const task of tasks) {
    if (isRunnableBy(task, worker) && (best === undefined || compareForDispatch(task, best) < 0)) best = task;
  }
  return best === undefined ? { kind: 'none' } : { kind: 'assign', task: best };
}

