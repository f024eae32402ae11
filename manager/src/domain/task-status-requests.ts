import type { Effect } from './effects.ts';
import { listAlternatives, refuse } from './refusal.ts';
import type { Refusal } from './refusal.ts';
import { isTaskStatus, TASK_STATUSES } from './statuses.ts';
import type { TaskStatus } from './statuses.ts';
import { changeTaskStatus, DEFAULT_STATE_MACHINE_OPTIONS } from './task-state-machine.ts';
import type { JobSnapshot, Outcome, StateMachineOptions, TaskRef } from './task-state-machine.ts';

// What people may do to a single task (Flamenco's web UI rules): cancel it while it can still
// run, or queue it again once it has ended. The reason becomes the task's activity.

export type TaskAction = 'cancel' | 'requeue';

export const TASK_ACTIONS: Readonly<Record<TaskAction, { readonly requestedStatus: TaskStatus; readonly allowedFrom: readonly TaskStatus[] }>> = {
  cancel: { requestedStatus: 'canceled', allowedFrom: ['active', 'queued', 'soft-failed'] },
  requeue: { requestedStatus: 'queued', allowedFrom: ['canceled', 'completed', 'failed'] },
};

export interface TaskStatusRequest {
  readonly status: string;
  readonly reason?: string;
}

export interface AcceptedTaskStatusRequest extends Outcome {
  readonly kind: 'accepted';
  readonly action: TaskAction;
}

export function decideTaskStatusRequest(
  job: JobSnapshot,
  task: TaskRef,
  request: TaskStatusRequest,
  options: StateMachineOptions = DEFAULT_STATE_MACHINE_OPTIONS,
): Refusal | AcceptedTaskStatusRequest {
  if (!isTaskStatus(request.status)) {
    return refuse(400, `"${request.status}" is not a task status; the task statuses are ${TASK_STATUSES.join(', ')}.`);
  }
  const action = (Object.keys(TASK_ACTIONS) as TaskAction[]).find((each) => TASK_ACTIONS[each].requestedStatus === request.status);
  if (action === undefined) {
    return refuse(409, `A task cannot be set to ${request.status} on request. Request canceled (to cancel it) or queued (to run it again).`);
  }
  if (!TASK_ACTIONS[action].allowedFrom.includes(task.status)) {
    return refuse(
      409,
      `Cannot ${action} this task: it is ${task.status}. Only a task that is ` +
        `${listAlternatives(TASK_ACTIONS[action].allowedFrom)} can be ${action === 'cancel' ? 'canceled' : 'requeued'}.`,
    );
  }
  if (action === 'cancel' && job.status === 'pause-requested') {
    return refuse(409, 'Cannot cancel a task while its job is being paused; wait until the job is paused, or cancel the job.');
  }

  const reason = request.reason?.trim() || `${action} requested`;
  const change = changeTaskStatus(job, task, TASK_ACTIONS[action].requestedStatus, { activity: reason }, options);
  const effects: Effect[] = [...change.effects];
  if (action === 'requeue') {
    // Workers that failed the task before may try it again.
    effects.push({ kind: 'clear-task-failures', taskId: task.id });
  }
  return { kind: 'accepted', action, effects, job: change.job };
}
