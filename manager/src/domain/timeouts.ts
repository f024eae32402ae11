import type { Effect } from './effects.ts';
import type { WorkerStatus } from './statuses.ts';
import { decideTaskFailure, DEFAULT_FAILURE_SETTINGS } from './task-failure.ts';
import type { FailingWorker, FailureSettings, FailureVerdict, TaskFailure } from './task-failure.ts';
import { returnTaskToPool } from './task-return.ts';
import type { Outcome } from './task-state-machine.ts';

// Silence means trouble. A worker not heard from for a while is set to `error` and its task goes
// back to the pool. A task without any update for a while counts as failed by its worker and
// goes through the usual failure rules (Flamenco fails it outright; retrying elsewhere is what
// studios want). Times are milliseconds since the epoch, passed in by the caller.

export interface TimeoutSettings {
  /** Flamenco's task_timeout: 10 minutes. 0 disables task timeouts. */
  readonly taskTimeoutMs: number;
  /** Flamenco's worker_timeout: 1 minute. 0 disables worker timeouts. */
  readonly workerTimeoutMs: number;
}

export const DEFAULT_TIMEOUT_SETTINGS: TimeoutSettings = { taskTimeoutMs: 10 * 60_000, workerTimeoutMs: 60_000 };

/** When to look: late enough after a start for workers to reconnect and catch up, then regularly. */
export const TIMEOUT_CHECK_SCHEDULE = { firstCheckAfterMs: 5 * 60_000, intervalMs: 60_000 } as const;

/** Worker statuses that are never timed out: they are not expected to call in. */
export const WORKER_STATUSES_WITHOUT_TIMEOUT: readonly WorkerStatus[] = ['error', 'offline'];

/**
 * An active task times out when nothing touched it (assignment, task update, a "yes" from
 * may-i-run) for the timeout or longer. An active task never touched at all has timed out too.
 */
export function isTaskTimedOut(
  task: { readonly status: string; readonly lastTouchedAt: number | null },
  now: number,
  settings: TimeoutSettings = DEFAULT_TIMEOUT_SETTINGS,
): boolean {
  if (settings.taskTimeoutMs <= 0 || task.status !== 'active') return false;
  return task.lastTouchedAt === null || task.lastTouchedAt <= now - settings.taskTimeoutMs;
}

export function isWorkerTimedOut(
  worker: { readonly status: WorkerStatus; readonly deleted: boolean; readonly lastSeenAt: number | null },
  now: number,
  settings: TimeoutSettings = DEFAULT_TIMEOUT_SETTINGS,
): boolean {
  if (settings.workerTimeoutMs <= 0 || worker.deleted || WORKER_STATUSES_WITHOUT_TIMEOUT.includes(worker.status)) return false;
  // A worker that never called in has nothing to time out from.
  return worker.lastSeenAt !== null && worker.lastSeenAt <= now - settings.workerTimeoutMs;
}

/** The worker goes to `error`, forgets any requested status change, and gives its tasks back. */
export function decideWorkerTimeout(worker: { readonly id: string; readonly status: WorkerStatus }): { readonly effects: readonly Effect[] } {
  return {
    effects: [
      { kind: 'set-worker-status', workerId: worker.id, from: worker.status, to: 'error' },
      // A worker in error may not change into anything until people look at it.
      { kind: 'set-worker-status-request', workerId: worker.id, request: null },
      { kind: 'return-active-tasks-of-worker', workerId: worker.id, reason: 'the worker timed out' },
    ],
  };
}

export interface TaskTimeout extends Omit<TaskFailure, 'worker' | 'activity'> {
  /** The worker the task was assigned to; null when it has none (which should not happen). */
  readonly worker: FailingWorker | null;
  readonly lastTouchedAt: number | null;
}

export interface TaskTimeoutDecision extends Outcome {
  readonly verdict: FailureVerdict | 'returned-to-pool';
}

export function decideTaskTimeout(timeout: TaskTimeout, settings: FailureSettings = DEFAULT_FAILURE_SETTINGS): TaskTimeoutDecision {
  const untouchedSince = timeout.lastTouchedAt === null ? 'it was assigned' : new Date(timeout.lastTouchedAt).toISOString();
  const { job, task, worker } = timeout;
  if (worker === null) {
    // No worker to blame: nobody ran it, so it simply goes back.
    const returned = returnTaskToPool(job, task, `it was active without a worker and had no update since ${untouchedSince}`, {
      failJobAtFailedPercent: settings.failJobAtFailedPercent,
    });
    return { verdict: 'returned-to-pool', ...returned };
  }
  const workerIdentity = `${worker.name} (${worker.id})`;
  const decision = decideTaskFailure({ ...timeout, worker, activity: `Task timed out on worker ${workerIdentity}` }, settings);
  const logLine: Effect = {
    kind: 'write-task-log',
    jobId: job.id,
    taskId: task.id,
    line: `Task timed out: worker ${workerIdentity} sent no update since ${untouchedSince}; this counts as a failure by that worker.`,
  };
  return { verdict: decision.verdict, effects: [logLine, ...decision.effects], job: decision.job };
}
