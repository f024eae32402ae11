import type { JobStatus, TaskStatus, WorkerStatus } from './statuses.ts';

// The vocabulary of decisions. Every rule in this folder answers with a list of effects; the
// storage layer applies them in order, in one transaction, and broadcasts what changed. Nothing
// here reads or writes anything.

/** What happens to a task's completed-step count when it changes status. */
export type StepsChange =
  /** `completed` means every step is done: steps_completed = steps_total. */
  | 'complete'
  /** `queued` means starting over: steps_completed = 0. */
  | 'reset'
  | 'unchanged';

export function stepsChangeFor(status: TaskStatus): StepsChange {
  if (status === 'completed') return 'complete';
  if (status === 'queued') return 'reset';
  return 'unchanged';
}

export interface SetJobStatus {
  readonly kind: 'set-job-status';
  readonly jobId: string;
  /** Equal to `to` when a status is re-applied (see reenforceJobStatus). */
  readonly from: JobStatus;
  readonly to: JobStatus;
  readonly reason: string;
  /** The text for the job's `activity` field. */
  readonly activity: string;
  /** True when this step changed many tasks at once, so clients should reload the job's tasks. */
  readonly refreshTasks: boolean;
}

export interface SetTaskStatus {
  readonly kind: 'set-task-status';
  readonly jobId: string;
  readonly taskId: string;
  readonly from: TaskStatus;
  readonly to: TaskStatus;
  /** New text for the task's `activity` field; absent means keep the current text. */
  readonly activity?: string;
  readonly steps: StepsChange;
}

/** Every task of the job whose status is one of `where` (or every task, for 'all') gets status `to`. */
export interface SetTasksStatus {
  readonly kind: 'set-tasks-status';
  readonly jobId: string;
  readonly where: readonly TaskStatus[] | 'all';
  readonly to: TaskStatus;
  readonly activity: string;
  readonly steps: StepsChange;
}

export interface WriteTaskLog {
  readonly kind: 'write-task-log';
  readonly jobId: string;
  readonly taskId: string;
  /** One line, without timestamp; the log writer adds that. */
  readonly line: string;
}

/** Remember that this worker failed this task (a no-op when already remembered). */
export interface RecordTaskFailure {
  readonly kind: 'record-task-failure';
  readonly taskId: string;
  readonly workerId: string;
}

export interface ClearTaskFailures {
  readonly kind: 'clear-task-failures';
  readonly taskId: string;
}

/** Forget every failure of every task of the job. */
export interface ClearJobFailures {
  readonly kind: 'clear-job-failures';
  readonly jobId: string;
}

export interface AddToBlocklist {
  readonly kind: 'add-to-blocklist';
  readonly jobId: string;
  readonly workerId: string;
  readonly taskType: string;
}

export interface ClearJobBlocklist {
  readonly kind: 'clear-job-blocklist';
  readonly jobId: string;
}

export interface SetWorkerStatus {
  readonly kind: 'set-worker-status';
  readonly workerId: string;
  readonly from: WorkerStatus;
  readonly to: WorkerStatus;
}

/** A pending change the worker is told about on its next contact; null clears it. */
export interface StatusChangeRequest {
  readonly status: WorkerStatus;
  /** Lazy: after the current task. Immediate: `may-i-run` says no, so the task is aborted. */
  readonly isLazy: boolean;
}

export interface SetWorkerStatusRequest {
  readonly kind: 'set-worker-status-request';
  readonly workerId: string;
  readonly request: StatusChangeRequest | null;
}

/**
 * Give every `active` task of this worker back to the pool. The storage layer looks those tasks
 * up and applies `returnTaskToPool` (task-return.ts) to each, in the same transaction.
 */
export interface ReturnActiveTasksOfWorker {
  readonly kind: 'return-active-tasks-of-worker';
  readonly workerId: string;
  /** Completes "… because <reason>". */
  readonly reason: string;
}

export type Effect =
  | SetJobStatus
  | SetTaskStatus
  | SetTasksStatus
  | WriteTaskLog
  | RecordTaskFailure
  | ClearTaskFailures
  | ClearJobFailures
  | AddToBlocklist
  | ClearJobBlocklist
  | SetWorkerStatus
  | SetWorkerStatusRequest
  | ReturnActiveTasksOfWorker;
