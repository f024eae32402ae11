import { stepsChangeFor } from './effects.ts';
import type { Effect, SetTasksStatus } from './effects.ts';
import { RUNNABLE_TASK_STATUSES } from './statuses.ts';
import type { JobStatus, TaskStatus } from './statuses.ts';
import { countIn, moveOneTask, moveTasks, totalTasks } from './task-counts.ts';
import type { TaskCounts } from './task-counts.ts';

// What a status change of a task implies for its job, and what a status change of a job implies
// for its tasks. Both cascade: cancelling a job cancels its tasks, which makes the job canceled.
// The cascade is computed on the job's task counts, so it needs no database: every change to
// "the other tasks" is a bulk change by status (SetTasksStatus), and the counts follow it.

export interface JobSnapshot {
  readonly id: string;
  readonly status: JobStatus;
  /** All tasks of the job by status, as stored before the change being decided. */
  readonly taskCounts: TaskCounts;
}

export interface TaskRef {
  readonly id: string;
  readonly status: TaskStatus;
}

export interface StateMachineOptions {
  /** The job fails once at least this percentage of its tasks failed for good. Flamenco: 10. */
  readonly failJobAtFailedPercent: number;
}

export const DEFAULT_STATE_MACHINE_OPTIONS: StateMachineOptions = { failJobAtFailedPercent: 10 };

/** The effects to apply, in order, and the job as it will be once they are applied. */
export interface Outcome {
  readonly effects: readonly Effect[];
  readonly job: JobSnapshot;
}

/**
 * Which tasks a requeued job queues again. 'unfinished' (Flamenco's only behaviour) queues the
 * canceled, failed, paused and soft-failed tasks; 'all' also re-runs the completed ones. A
 * completed job always requeues all its tasks.
 */
export type RequeueScope = 'unfinished' | 'all';

export interface JobStatusChangeDetails {
  readonly requeueScope?: RequeueScope;
}

/** The job statuses that a manager restart re-applies (Flamenco's CheckStuck). */
export const JOB_STATUSES_TO_REENFORCE_AT_STARTUP: readonly JobStatus[] = [
  'cancel-requested',
  'requeueing',
  'pause-requested',
];

const CANCELABLE_TASK_STATUSES: readonly TaskStatus[] = ['active', 'queued', 'soft-failed'];
const PAUSABLE_TASK_STATUSES: readonly TaskStatus[] = ['queued', 'soft-failed'];
const REQUEUEABLE_TASK_STATUSES: readonly TaskStatus[] = ['canceled', 'failed', 'paused', 'soft-failed'];

/** A task gets a new status; the job follows where the rules say so. */
export function changeTaskStatus(
  job: JobSnapshot,
  task: TaskRef,
  to: TaskStatus,
  details: { readonly activity?: string } = {},
  options: StateMachineOptions = DEFAULT_STATE_MACHINE_OPTIONS,
): Outcome {
  const effects: Effect[] = [
    {
      kind: 'set-task-status',
      jobId: job.id,
      taskId: task.id,
      from: task.status,
      to,
      ...(details.activity === undefined ? {} : { activity: details.activity }),
      steps: stepsChangeFor(to),
    },
  ];
  if (task.status !== to) {
    effects.push({
      kind: 'write-task-log',
      jobId: job.id,
      taskId: task.id,
      line: `Status changed from ${task.status} to ${to}.`,
    });
  }
  const jobWithTaskChanged: JobSnapshot = { ...job, taskCounts: moveOneTask(job.taskCounts, task.status, to) };
  const cascade = runJobCascade(jobWithTaskChanged, jobStepAfterTaskChange(jobWithTaskChanged, to, options), {});
  return { effects: [...effects, ...cascade.effects], job: cascade.job };
}

/** A job gets a new status; its tasks follow, which may move the job on again. */
export function changeJobStatus(
  job: JobSnapshot,
  to: JobStatus,
  reason: string,
  details: JobStatusChangeDetails = {},
): Outcome {
  return runJobCascade(job, { to, reason, reapply: false }, details);
}

/**
 * Apply the job's current status again, as if it had just been set. This finishes a cascade
 * that was interrupted (a manager restart in the middle of a cancel, pause or requeue).
 */
export function reenforceJobStatus(job: JobSnapshot, reason: string): Outcome {
  return runJobCascade(job, { to: job.status, reason, reapply: true }, {});
}

/** Whether the failed tasks are enough to fail the job: failed/total ≥ the threshold. */
export function tooManyTasksFailed(counts: TaskCounts, options: StateMachineOptions = DEFAULT_STATE_MACHINE_OPTIONS): boolean {
  const total = totalTasks(counts);
  // Integer arithmetic: "10 of 100 failed" must not hinge on floating-point rounding.
  return total > 0 && counts.failed * 100 >= options.failJobAtFailedPercent * total;
}

interface JobStep {
  readonly to: JobStatus;
  readonly reason: string;
  /** Run the status's rules even though the job already has that status. */
  readonly reapply: boolean;
}

function jobStep(to: JobStatus, reason: string): JobStep {
  return { to, reason, reapply: false };
}

/** The job change implied by one of its tasks having become `taskStatus` (counts already updated). */
function jobStepAfterTaskChange(job: JobSnapshot, taskStatus: TaskStatus, options: StateMachineOptions): JobStep | undefined {
  const counts = job.taskCounts;
  switch (taskStatus) {
    case 'queued':
      return job.status === 'completed' ? jobStep('requeueing', 'a task of the completed job was queued again') : undefined;

    case 'paused':
      return pausingFinished(job) ? jobStep('paused', 'the last active task was paused') : undefined;

    case 'canceled':
      if (countIn(counts, RUNNABLE_TASK_STATUSES) === 0) {
        return jobStep('canceled', 'the canceled task was the last one that could still run');
      }
      return pausingFinished(job) ? jobStep('paused', 'no task is active any more after a task was canceled') : undefined;

    case 'failed':
      if (totalTasks(counts) === 0) return undefined;
      if (tooManyTasksFailed(counts, options)) {
        return jobStep('failed', `too many tasks failed (${counts.failed} of ${totalTasks(counts)})`);
      }
      if (pausingFinished(job)) return jobStep('paused', 'no task is active any more after a task failed');
      return job.status === 'queued' ? jobStep('active', 'a task failed, but not enough to fail the job') : undefined;

    case 'completed':
      if (counts.completed === totalTasks(counts)) return jobStep('completed', 'all tasks completed');
      if (pausingFinished(job)) return jobStep('paused', 'no task is active any more after a task completed');
      return job.status === 'queued' ? jobStep('active', 'a task completed') : undefined;

    case 'active':
    case 'soft-failed':
      if (job.status === 'active') return undefined;
      // Flamenco makes the job active here even while it is being canceled or paused, which loses
      // the pause and strands the paused tasks. Re-applying the requested status instead cancels
      // or pauses this task too, and settles the job when nothing is active any more.
      if (job.status === 'cancel-requested' || job.status === 'pause-requested') {
        return { to: job.status, reason: `a task became ${taskStatus} while the job was ${job.status}`, reapply: true };
      }
      return jobStep('active', `a task became ${taskStatus}`);
  }
}

function pausingFinished(job: JobSnapshot): boolean {
  return job.status === 'pause-requested' && job.taskCounts.active === 0;
}

interface JobStatusRules {
  readonly taskChange?: Omit<SetTasksStatus, 'kind' | 'jobId' | 'steps'>;
  readonly next?: JobStep;
}

/** What a job that just got `job.status` (coming from `previous`) does to its tasks, and where it goes next. */
function rulesForNewJobStatus(job: JobSnapshot, previous: JobStatus, details: JobStatusChangeDetails): JobStatusRules {
  switch (job.status) {
    case 'cancel-requested':
    case 'failed':
      return {
        taskChange: {
          where: CANCELABLE_TASK_STATUSES,
          to: 'canceled',
          activity: `Canceled by the manager because the job became ${job.status}.`,
        },
        next: job.status === 'cancel-requested' ? jobStep('canceled', 'every task that could still run was canceled') : undefined,
      };

    case 'pause-requested': {
      const stillActive = job.taskCounts.active;
      return {
        taskChange: {
          where: PAUSABLE_TASK_STATUSES,
          to: 'paused',
          activity: `Paused by the manager because the job became ${job.status}.`,
        },
        // Active tasks run to their end; the job is paused when the last one stops.
        next: stillActive === 0 ? jobStep('paused', 'no task is active any more') : undefined,
      };
    }

    case 'requeueing': {
      // A job that was just compiled already has all its tasks queued.
      if (previous === 'under-construction') return {};
      const everything = previous === 'completed' || details.requeueScope === 'all';
      return {
        taskChange: {
          where: everything ? 'all' : REQUEUEABLE_TASK_STATUSES,
          to: 'queued',
          activity: `Queued again because the job went from ${previous} to requeueing.`,
        },
        next: jobStep('queued', 'its tasks were queued again'),
      };
    }

    case 'queued':
      return job.taskCounts.completed === totalTasks(job.taskCounts)
        ? { next: jobStep('completed', 'all its tasks were already completed') }
        : {};

    case 'under-construction':
    case 'active':
    case 'paused':
    case 'completed':
    case 'canceled':
      // These follow from what the tasks did; they ask nothing of the tasks.
      return {};
  }
}

function runJobCascade(start: JobSnapshot, firstStep: JobStep | undefined, details: JobStatusChangeDetails): Outcome {
  const effects: Effect[] = [];
  let job = start;
  let step = firstStep;
  // A cascade visits each status at most a few times; a longer one would be a bug in the rules.
  for (let guard = 0; step !== undefined && (step.reapply || step.to !== job.status); guard++) {
    if (guard > 20) throw new Error(`job status cascade of job ${job.id} does not settle`);
    const previous = job.status;
    job = { ...job, status: step.to };
    const rules = rulesForNewJobStatus(job, previous, details);
    effects.push({
      kind: 'set-job-status',
      jobId: job.id,
      from: previous,
      to: step.to,
      reason: step.reason,
      activity:
        previous === step.to ? `Re-applied status ${step.to}: ${step.reason}` : `Changed to status ${step.to}: ${step.reason}`,
      refreshTasks: rules.taskChange !== undefined,
    });
    if (rules.taskChange !== undefined) {
      effects.push({ kind: 'set-tasks-status', jobId: job.id, ...rules.taskChange, steps: stepsChangeFor(rules.taskChange.to) });
      job = { ...job, taskCounts: moveTasks(job.taskCounts, rules.taskChange.where, rules.taskChange.to) };
    }
    step = rules.next;
  }
  return { effects, job };
}
