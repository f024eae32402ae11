import type { StatusChangeRequest } from './effects.ts';
import { listAlternatives, refuse } from './refusal.ts';
import type { Refusal } from './refusal.ts';
import { isTaskStatus, mayWorkerKeepRunning, WORKER_REPORTABLE_TASK_STATUSES } from './statuses.ts';
import type { TaskStatus } from './statuses.ts';

// What a worker may say about the task it runs. A worker speaks only for a task that is assigned
// to it and still active; once the manager took the task back (job canceled, timed out, returned)
// the worker hears 409, which Flamenco's worker reads as "abandon this task".

export interface TaskAsStored {
  readonly id: string;
  readonly status: TaskStatus;
  /** The worker it is (or was last) assigned to. */
  readonly workerId: string | null;
  readonly stepsCompleted: number;
  readonly stepsTotal: number;
}

export interface TaskUpdateFromWorker {
  readonly taskStatus?: string;
  readonly activity?: string;
  readonly log?: string;
  readonly stepsCompleted?: number;
}

export type StatusChangeFromWorker =
  | { readonly kind: 'none' }
  /** Go through task-failure.ts: soft-fail, fail, blocklist. */
  | { readonly kind: 'failure' }
  /** Go through the state machine with this status. */
  | { readonly kind: 'change'; readonly to: TaskStatus };

export interface AcceptedTaskUpdate {
  readonly kind: 'accepted';
  readonly activity?: string;
  /** Append to the task log before any status change, as it likely explains the change. */
  readonly log?: string;
  /** Present only when the count changes; clamped to 0…stepsTotal. */
  readonly stepsCompleted?: number;
  readonly statusChange: StatusChangeFromWorker;
}

/** `POST /worker/task/{id}`. On acceptance the task counts as touched and the worker as seen. */
export function decideWorkerTaskUpdate(
  workerId: string,
  task: TaskAsStored,
  update: TaskUpdateFromWorker,
): Refusal | AcceptedTaskUpdate {
  const ownership = refuseUnlessOwnActiveTask(workerId, task);
  if (ownership !== undefined) return ownership;

  let statusChange: StatusChangeFromWorker = { kind: 'none' };
  if (update.taskStatus !== undefined) {
    const reported = update.taskStatus;
    if (!isTaskStatus(reported) || !WORKER_REPORTABLE_TASK_STATUSES.includes(reported)) {
      return refuse(
        400,
        `A worker may report its task as ${listAlternatives(WORKER_REPORTABLE_TASK_STATUSES)}, not as "${reported}"; ` +
          'the manager decides about soft failures.',
      );
    }
    if (reported === 'failed') statusChange = { kind: 'failure' };
    else if (reported !== task.status) statusChange = { kind: 'change', to: reported };
  }

  let stepsCompleted: number | undefined;
  if (update.stepsCompleted !== undefined) {
    if (!Number.isInteger(update.stepsCompleted)) {
      return refuse(400, `steps_completed must be a whole number, not ${update.stepsCompleted}.`);
    }
    const clamped = Math.min(Math.max(update.stepsCompleted, 0), task.stepsTotal);
    if (clamped !== task.stepsCompleted) stepsCompleted = clamped;
  }

  return {
    kind: 'accepted',
    ...(update.activity === undefined ? {} : { activity: update.activity }),
    ...(update.log === undefined ? {} : { log: update.log }),
    ...(stepsCompleted === undefined ? {} : { stepsCompleted }),
    statusChange,
  };
}

export interface MayKeepRunning {
  readonly mayKeepRunning: boolean;
  readonly reason: string;
  /** The worker must change status; it should ask `GET /worker/state` what to. */
  readonly statusChangeRequested: boolean;
}

/** `GET /worker/task/{id}/may-i-run`, asked every few seconds. A "yes" also touches the task. */
export function mayKeepRunning(
  worker: { readonly id: string; readonly request: StatusChangeRequest | null },
  task: Pick<TaskAsStored, 'status' | 'workerId'> | undefined,
): MayKeepRunning {
  if (worker.request !== null && !worker.request.isLazy) {
    return { mayKeepRunning: false, reason: 'a status change of the worker was requested', statusChangeRequested: true };
  }
  if (task === undefined) return { mayKeepRunning: false, reason: 'the task does not exist', statusChangeRequested: false };
  if (task.workerId !== worker.id) {
    return { mayKeepRunning: false, reason: 'the task is not assigned to this worker', statusChangeRequested: false };
  }
  if (!mayWorkerKeepRunning(task.status)) {
    return { mayKeepRunning: false, reason: `the task is ${task.status}`, statusChangeRequested: false };
  }
  return { mayKeepRunning: true, reason: '', statusChangeRequested: false };
}

function refuseUnlessOwnActiveTask(workerId: string, task: TaskAsStored): Refusal | undefined {
  if (task.workerId === null) return refuse(409, `Task ${task.id} is not assigned to any worker, so not to you either.`);
  if (task.workerId !== workerId) return refuse(409, `Task ${task.id} is assigned to another worker.`);
  if (task.status !== 'active') {
    return refuse(409, `Task ${task.id} is ${task.status}; the manager took it back, so stop working on it.`);
  }
  return undefined;
}
