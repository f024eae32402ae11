// What a worker reports about its task (activity, log, steps, completed or failed) and its
// may-i-run question, decided by domain/worker-task-updates.ts, task-state-machine.ts and
// task-failure.ts and applied in one transaction per report.
//
// On PostgreSQL, decisions about a job are made while holding its row lock: the state machine
// reasons on the job's task counts, and two tasks completing at once must not both believe the
// other one is still running.

import type { StatusChangeRequest } from '../domain/effects.ts';
import type { Refusal } from '../domain/refusal.ts';
import type { JobStatus, TaskStatus } from '../domain/statuses.ts';
import { taskCounts } from '../domain/task-counts.ts';
import { decideTaskFailure, DEFAULT_FAILURE_SETTINGS } from '../domain/task-failure.ts';
import type { FailingWorker, FailureSettings, TaskFailure } from '../domain/task-failure.ts';
import { changeTaskStatus } from '../domain/task-state-machine.ts';
import type { JobSnapshot, StateMachineOptions } from '../domain/task-state-machine.ts';
import { decideWorkerTaskUpdate, mayKeepRunning } from '../domain/worker-task-updates.ts';
import type { MayKeepRunning, TaskUpdateFromWorker } from '../domain/worker-task-updates.ts';
import { applyEffects } from './apply-effects.ts';
import { isPostgres, type Database } from './database.ts';
import { inTransaction, type TransactionServices } from './transaction.ts';
import { loadWorkerAvailabilities, markWorkerSeen } from './workers.ts';

export interface TaskUpdateServices extends TransactionServices {
  stateMachine: StateMachineOptions;
}

/** PostgreSQL error codes after which running the whole transaction again is the cure. */
const TRANSIENT_CONFLICTS = new Set(['40P01', '40001']);

/** Runs `work` again when PostgreSQL aborted it for a deadlock or serialisation conflict. */
export async function retryOnTransientConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= attempts || typeof code !== 'string' || !TRANSIENT_CONFLICTS.has(code)) throw error;
    }
  }
}

/** Holds the job's row lock until the transaction ends (PostgreSQL; SQLite runs one transaction at a time). */
export async function lockJob(trx: Database, jobId: string): Promise<void> {
  if (isPostgres(trx)) await trx('jobs').where('id', jobId).forUpdate().select('id');
}

/** Locks the jobs of the worker's active tasks, in a fixed order, before their tasks are given back. */
export async function lockJobsOfActiveTasks(trx: Database, workerId: string): Promise<void> {
  if (!isPostgres(trx)) return;
  const jobs: { job_id: string }[] = await trx('tasks').where({ worker_id: workerId, status: 'active' }).distinct('job_id').orderBy('job_id');
  for (const { job_id } of jobs) await lockJob(trx, job_id);
}

/** Something of the worker's reached the task; the task timeout counts from here. */
export async function touchTask(db: Database, taskId: string, now: string): Promise<void> {
  await db('tasks').where('id', taskId).update({ last_touched_at: now });
}

interface StoredTask {
  id: string;
  jobId: string;
  status: TaskStatus;
  type: string;
  workerId: string | null;
  stepsCompleted: number;
  stepsTotal: number;
}

async function loadTask(db: Database, taskId: string): Promise<StoredTask | undefined> {
  const row = await db('tasks')
    .where('id', taskId)
    .first<
      | { id: string; job_id: string; status: string; type: string; worker_id: string | null; steps_completed: number | string; steps_total: number | string }
      | undefined
    >('id', 'job_id', 'status', 'type', 'worker_id', 'steps_completed', 'steps_total');
  if (!row) return undefined;
  return {
    id: row.id,
    jobId: row.job_id,
    status: row.status as TaskStatus,
    type: row.type,
    workerId: row.worker_id,
    stepsCompleted: Number(row.steps_completed),
    stepsTotal: Number(row.steps_total),
  };
}

export type TaskUpdateResult = { kind: 'applied' } | { kind: 'unknown-task' } | Refusal;

export interface ReportingWorker {
  id: string;
  name: string;
  neverBlocklist: boolean;
}

export interface UpdatingWorker extends ReportingWorker {
  lastSeenAt: string | null;
}

/** `POST /worker/task/{id}`: applies what the worker reports, or says why not. */
export async function applyWorkerTaskUpdate(
  services: TaskUpdateServices,
  worker: UpdatingWorker,
  taskId: string,
  update: TaskUpdateFromWorker,
  failureSettings: FailureSettings = { ...DEFAULT_FAILURE_SETTINGS, failJobAtFailedPercent: services.stateMachine.failJobAtFailedPercent },
): Promise<TaskUpdateResult> {
  return retryOnTransientConflict(() =>
    inTransaction(services, async (trx, applied, now): Promise<TaskUpdateResult> => {
      let task = await loadTask(trx, taskId);
      if (!task) return { kind: 'unknown-task' };
      const jobId = task.jobId;
      if (isPostgres(trx)) {
        // Read again under the job's lock: what was read before may have changed meanwhile.
        await lockJob(trx, jobId);
        task = await loadTask(trx, taskId);
        if (!task) return { kind: 'unknown-task' };
      }

      const decision = decideWorkerTaskUpdate(worker.id, task, update);
      if (decision.kind === 'refused') return decision;

      const firstEvent = applied.events.length;
      await markWorkerSeen(trx, worker, now);
      if (decision.log !== undefined) {
        // Before any status change: the worker's lines likely explain it, and the manager's come after commit.
        await services.taskLogs.append(jobId, taskId, decision.log);
      }
      const change = decision.statusChange;
      // A status change carries the activity along (and ends the task's time as active, so
      // touching it is moot); what is left is written here.
      const stays = change.kind === 'none';
      const columns: Record<string, unknown> = {};
      if (decision.activity !== undefined && stays) columns.activity = decision.activity;
      if (decision.stepsCompleted !== undefined) columns.steps_completed = decision.stepsCompleted;
      if (Object.keys(columns).length > 0) columns.updated_at = now;
      if (stays) columns.last_touched_at = now;
      if (Object.keys(columns).length > 0) await trx('tasks').where('id', taskId).update(columns);

      if (change.kind === 'change') {
        const job = await snapshotOf(trx, jobId);
        const outcome = changeTaskStatus(job, task, change.to, activityOf(decision), services.stateMachine);
        await applyEffects(trx, outcome.effects, now, services.stateMachine, applied);
      } else if (change.kind === 'failure') {
        const failure = await loadTaskFailure(trx, { jobId, task, worker });
        const failingWorker = { id: worker.id, name: worker.name, neverBlocklisted: worker.neverBlocklist };
        const outcome = decideTaskFailure({ ...failure, worker: failingWorker, ...activityOf(decision) }, failureSettings);
        await applyEffects(trx, outcome.effects, now, services.stateMachine, applied);
      }

      // A status change was published by applyEffects; progress alone is published here.
      const published = applied.events.slice(firstEvent).some((event) => event.type === 'task' && event.data.id === taskId);
      if (!published && (decision.activity !== undefined || decision.stepsCompleted !== undefined)) {
        applied.events.push({
          type: 'task',
          data: {
            id: taskId,
            job_id: jobId,
            updated: now,
            ...(decision.activity === undefined ? {} : { activity: decision.activity }),
            ...(decision.stepsCompleted === undefined ? {} : { steps_completed: decision.stepsCompleted }),
          },
        });
      }
      return { kind: 'applied' };
    }),
  );
}

function activityOf(decision: { activity?: string }): { activity?: string } {
  return decision.activity === undefined ? {} : { activity: decision.activity };
}

/**
 * A job as the state machine sees it, with its tasks counted by the database as they change
 * (migration 005), so that this costs the same for a job of 10 or 100,000 tasks.
 */
export async function loadCountedJobSnapshot(db: Database, jobId: string): Promise<JobSnapshot | undefined> {
  const rows: { job_status: JobStatus; status: TaskStatus | null; n: number | string | null }[] = await db('jobs')
    .leftJoin('job_task_counts', 'job_task_counts.job_id', 'jobs.id')
    .where('jobs.id', jobId)
    .select('jobs.status as job_status', 'job_task_counts.status', 'job_task_counts.n');
  const first = rows[0];
  if (!first) return undefined;
  const counts: Partial<Record<TaskStatus, number>> = {};
  for (const row of rows) if (row.status !== null) counts[row.status] = Number(row.n);
  return { id: jobId, status: first.job_status, taskCounts: taskCounts(counts) };
}

export async function snapshotOf(trx: Database, jobId: string): Promise<JobSnapshot> {
  const job = await loadCountedJobSnapshot(trx, jobId);
  if (!job) throw new Error(`job ${jobId} of a task being updated does not exist`);
  return job;
}

/** Everything task-failure.ts weighs about a failure of `task` by `worker` (or a timeout, where the worker may be unknown). */
export async function loadTaskFailure(
  trx: Database,
  subject: { jobId: string; task: { id: string; status: TaskStatus; type: string }; worker: ReportingWorker | null },
): Promise<Omit<TaskFailure, 'activity' | 'worker'> & { worker: FailingWorker | null }> {
  const { jobId, task, worker } = subject;
  const job = await snapshotOf(trx, jobId);
  const jobRow = await trx('jobs').where('id', jobId).first<{ worker_tag_id: string | null }>('worker_tag_id');
  const failedBy: { worker_id: string }[] = await trx('task_failures').where('task_id', task.id).select('worker_id');
  const blocklisted: { worker_id: string }[] = await trx('job_blocklist').where({ job_id: jobId, task_type: task.type }).select('worker_id');
  let otherFailures = 0;
  let hardFailed: { id: string; status: TaskStatus }[] = [];
  if (worker !== null) {
    const [count] = await trx('task_failures')
      .join('tasks', 'tasks.id', 'task_failures.task_id')
      .where({ 'task_failures.worker_id': worker.id, 'tasks.job_id': jobId, 'tasks.type': task.type })
      .whereNot('tasks.id', task.id)
      .count({ n: '*' });
    otherFailures = Number(count?.n ?? 0);
    hardFailed = await trx('tasks')
      .where({ job_id: jobId, type: task.type, status: 'failed', worker_id: worker.id })
      .whereNot('id', task.id)
      .select('id', 'status');
  }
  return {
    job: { ...job, workerTagId: jobRow?.worker_tag_id ?? null },
    task: { id: task.id, status: task.status, type: task.type, failedByWorkerIds: failedBy.map((row) => row.worker_id) },
    worker: worker === null ? null : { id: worker.id, name: worker.name, neverBlocklisted: worker.neverBlocklist },
    otherTasksOfTypeFailedByWorker: otherFailures,
    tasksOfTypeHardFailedByWorker: hardFailed,
    blocklistedWorkerIds: blocklisted.map((row) => row.worker_id),
    workers: await loadWorkerAvailabilities(trx),
  };
}

/** `GET /worker/task/{id}/may-i-run`. A "yes" touches the task; every question marks the worker as seen. */
export async function answerMayIRun(
  services: TransactionServices,
  worker: { id: string; request: StatusChangeRequest | null; lastSeenAt: string | null },
  taskId: string,
): Promise<MayKeepRunning> {
  return inTransaction(services, async (trx, _applied, now) => {
    const task = await loadTask(trx, taskId);
    const answer = mayKeepRunning(worker, task);
    if (answer.mayKeepRunning) await touchTask(trx, taskId, now);
    await markWorkerSeen(trx, worker, now);
    return answer;
  });
}
