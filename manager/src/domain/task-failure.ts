import type { Effect } from './effects.ts';
import { plural } from './refusal.ts';
import type { WorkerStatus } from './statuses.ts';
import { returnTaskToPool } from './task-return.ts';
import { changeJobStatus, changeTaskStatus } from './task-state-machine.ts';
import type { JobSnapshot, Outcome, TaskRef } from './task-state-machine.ts';

// A task failed on a worker (the worker said so, or the task timed out there). One failure makes
// the task soft-failed so that another worker retries it; failures on enough different workers
// fail it for good. A worker that keeps failing one task type in one job is blocklisted for that
// type in that job. And when nobody is left who could run the task, the whole job fails.

export interface FailureSettings {
  /** A task fails for good once this many different workers failed it. Flamenco: 3. */
  readonly failTaskAfterWorkerCount: number;
  /** A worker that failed this many tasks of one type in one job is blocklisted for them. Flamenco: 3. */
  readonly blocklistThreshold: number;
  /** The job fails once at least this percentage of its tasks failed for good. Flamenco: 10. */
  readonly failJobAtFailedPercent: number;
}

export const DEFAULT_FAILURE_SETTINGS: FailureSettings = {
  failTaskAfterWorkerCount: 3,
  blocklistThreshold: 3,
  failJobAtFailedPercent: 10,
};

/** What is known about a worker to decide whether it could still run a task. */
export interface WorkerAvailability {
  readonly id: string;
  readonly status: WorkerStatus;
  readonly deleted: boolean;
  readonly supportedTaskTypes: readonly string[];
  readonly tagIds: readonly string[];
}

export interface FailingTask extends TaskRef {
  readonly type: string;
  /** The workers that failed this task before this failure. */
  readonly failedByWorkerIds: readonly string[];
}

export interface FailingWorker {
  readonly id: string;
  readonly name: string;
  /** Tablao: a worker people marked as never to be blocklisted (say, the only GPU machine). */
  readonly neverBlocklisted: boolean;
}

export interface TaskFailure {
  readonly job: JobSnapshot & { readonly workerTagId: string | null };
  readonly task: FailingTask;
  readonly worker: FailingWorker;
  /** How many other tasks of this job and task type have this worker in their failure list. */
  readonly otherTasksOfTypeFailedByWorker: number;
  /**
   * Tasks of this job and task type (other than this one) that this worker failed for good:
   * status `failed`, last assigned to this worker. They get another chance when it is blocklisted.
   */
  readonly tasksOfTypeHardFailedByWorker: readonly TaskRef[];
  /** Workers blocklisted for this job and task type before this failure. */
  readonly blocklistedWorkerIds: readonly string[];
  /** Every worker the manager knows; deleted and offline ones are skipped here. */
  readonly workers: readonly WorkerAvailability[];
  /** New text for the task's activity, e.g. the worker's "Failed: …". */
  readonly activity?: string;
}

export type FailureVerdict = 'soft-failed' | 'failed' | 'job-failed-no-workers-left';

export interface TaskFailureDecision extends Outcome {
  readonly verdict: FailureVerdict;
  /** Whether this failure blocklisted the worker for the task type in this job. */
  readonly blocklisted: boolean;
  /** How many different workers have now failed the task. */
  readonly failedByWorkerCount: number;
}

export interface AbleToRunCriteria {
  readonly taskType: string;
  /** The job's worker tag; null means any worker may run its tasks. */
  readonly jobWorkerTagId: string | null;
  /** Workers out of the question: blocklisted ones, and those that failed the task already. */
  readonly excludedWorkerIds: Iterable<string>;
}

/**
 * The workers that could still run tasks of a type in a job. Flamenco counts every worker not
 * blocklisted, including offline, deleted and unsuitable ones, so a job of a dead farm never
 * fails; Tablao counts only workers that exist, are not offline and support the task type.
 */
export function workersAbleToRun(workers: readonly WorkerAvailability[], criteria: AbleToRunCriteria): string[] {
  const excluded = new Set(criteria.excludedWorkerIds);
  return workers
    .filter(
      (worker) =>
        !worker.deleted &&
        worker.status !== 'offline' &&
        !excluded.has(worker.id) &&
        worker.supportedTaskTypes.includes(criteria.taskType) &&
        (criteria.jobWorkerTagId === null || worker.tagIds.includes(criteria.jobWorkerTagId)),
    )
    .map((worker) => worker.id);
}

export function decideTaskFailure(failure: TaskFailure, settings: FailureSettings = DEFAULT_FAILURE_SETTINGS): TaskFailureDecision {
  const { task, worker } = failure;
  const stateMachineOptions = { failJobAtFailedPercent: settings.failJobAtFailedPercent };
  const effects: Effect[] = [{ kind: 'record-task-failure', taskId: task.id, workerId: worker.id }];
  const log = (line: string): void => {
    effects.push({ kind: 'write-task-log', jobId: failure.job.id, taskId: task.id, line });
  };
  const failedBy = new Set([...task.failedByWorkerIds, worker.id]);
  const blocklist = new Set(failure.blocklistedWorkerIds);
  let job: JobSnapshot = failure.job;
  let blocklisted = false;

  const activity = (): { activity?: string } => (failure.activity === undefined ? {} : { activity: failure.activity });

  const finish = (verdict: FailureVerdict, outcome: Outcome): TaskFailureDecision => ({
    verdict,
    blocklisted,
    failedByWorkerCount: failedBy.size,
    effects: [...effects, ...outcome.effects],
    job: outcome.job,
  });

  const failJobNoWorkerLeft = (): TaskFailureDecision => {
    log(
      `Task failed on worker ${worker.name} (${worker.id}), and no worker is left that could run tasks of type ` +
        `"${task.type}" in this job; the manager fails the job.`,
    );
    const taskFailed = changeTaskStatus(job, task, 'failed', activity(), stateMachineOptions);
    const jobFailed = changeJobStatus(taskFailed.job, 'failed', `no worker is left to run tasks of type "${task.type}"`);
    effects.push(...taskFailed.effects);
    return finish('job-failed-no-workers-left', jobFailed);
  };

  const failuresOfType = failure.otherTasksOfTypeFailedByWorker + 1;
  if (!worker.neverBlocklisted && !blocklist.has(worker.id) && failuresOfType >= settings.blocklistThreshold) {
    blocklisted = true;
    blocklist.add(worker.id);
    effects.push({ kind: 'add-to-blocklist', jobId: job.id, workerId: worker.id, taskType: task.type });
    log(
      `Worker ${worker.name} (${worker.id}) failed ${plural(failuresOfType, 'task')} of type "${task.type}" in this job; ` +
        `it may no longer run tasks of that type in this job.`,
    );
    const left = workersAbleToRun(failure.workers, {
      taskType: task.type,
      jobWorkerTagId: failure.job.workerTagId,
      excludedWorkerIds: blocklist,
    });
    if (left.length === 0) return failJobNoWorkerLeft();
    // The worker, not the tasks, was probably the problem: let others try what it failed.
    for (const hardFailed of failure.tasksOfTypeHardFailedByWorker) {
      const returned = returnTaskToPool(
        job,
        hardFailed,
        `worker ${worker.name} was blocklisted for tasks of type "${task.type}"`,
        stateMachineOptions,
      );
      effects.push(...returned.effects);
      job = returned.job;
    }
  }

  if (failedBy.size >= settings.failTaskAfterWorkerCount) {
    log(`Task failed on ${plural(failedBy.size, 'worker')}; the manager marks it as failed for good.`);
    return finish('failed', changeTaskStatus(job, task, 'failed', activity(), stateMachineOptions));
  }

  const ableToRetry = workersAbleToRun(failure.workers, {
    taskType: task.type,
    jobWorkerTagId: failure.job.workerTagId,
    excludedWorkerIds: [...blocklist, ...failedBy],
  });
  if (ableToRetry.length === 0) return failJobNoWorkerLeft();

  const failuresToGo = settings.failTaskAfterWorkerCount - failedBy.size;
  log(
    `Task failed on ${plural(failedBy.size, 'worker')}; the manager marks it as soft-failed so that another worker tries it. ` +
      `${plural(failuresToGo, 'more failure')} will fail it for good.`,
  );
  return finish('soft-failed', changeTaskStatus(job, task, 'soft-failed', activity(), stateMachineOptions));
}
