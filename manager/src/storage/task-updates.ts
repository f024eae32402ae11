// What a worker reports about its task (activity, log, steps, completed or failed) and its
// may-i-run question, decided by domain/worker-task-updates.ts, task-state-machine.ts and
// task-failure.ts and applied in one transaction per report.
//
// On PostgreSQL, decisions about a job are made while holding its row lock: the state machine
// reasons on the job's task counts, and two tasks completing at once must not both believe the
// other one is still running.

import type { StatusChangeRequest } from '../domain/effects.ts';
import type { Refusal } from '../domain/refusal.ts';
import { stepsChangeFor } from '../domain/effects.ts';
import type { TaskStatus } from '../domain/statuses.ts';
import { decideTaskFailure, DEFAULT_FAILURE_SETTINGS } from '../domain/task-failure.ts';
import type { FailingWorker, FailureSettings, TaskFailure } from '../domain/task-failure.ts';
import { changeTaskStatus } from '../domain/task-state-machine.ts';
import type { JobSnapshot, StateMachineOptions } from '../domain/task-state-machine.ts';
import { decideWorkerTaskUpdate, mayKeepRunning } from '../domain/worker-task-updates.ts';
import type { MayKeepRunning, TaskUpdateFromWorker } from '../domain/worker-task-updates.ts';
import type { FarmEvent } from '../events/event-bus.ts';
import { applyEffects } from './apply-effects.ts';
import { isPostgres, type Database } from './database.ts';
import { loadJobSnapshot, snapshotFromRows, type SnapshotRow } from './job-snapshot.ts';
import { changeRows, queryRows, type SqlValue } from './direct-sql.ts';
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
  if (isPostgres(trx)) await queryRows(trx, 'SELECT id FROM jobs WHERE id = ? FOR UPDATE', [jobId]);
}

/** lockJob for the job of a task (none when there is no such task). */
async function lockJobOfTask(trx: Database, taskId: string): Promise<void> {
  if (isPostgres(trx)) await queryRows(trx, 'SELECT id FROM jobs WHERE id = (SELECT job_id FROM tasks WHERE id = ?) FOR UPDATE', [taskId]);
}

/** Locks the jobs of the worker's active tasks, in a fixed order, before their tasks are given back. */
export async function lockJobsOfActiveTasks(trx: Database, workerId: string): Promise<void> {
  if (!isPostgres(trx)) return;
  const jobs: { job_id: string }[] = await trx('tasks').where({ worker_id: workerId, status: 'active' }).distinct('job_id').orderBy('job_id');
  for (const { job_id } of jobs) await lockJob(trx, job_id);
}

/** Something of the worker's reached the task; the task timeout counts from here. */
export async function touchTask(db: Database, taskId: string, now: string): Promise<void> {
  await changeRows(db, 'UPDATE tasks SET last_touched_at = ? WHERE id = ?', [now, taskId]);
}

interface StoredTask {
  id: string;
  jobId: string;
  name: string;
  status: TaskStatus;
  type: string;
  workerId: string | null;
  activity: string;
  stepsCompleted: number;
  stepsTotal: number;
}

interface TaskRow {
  id: string;
  job_id: string;
  name: string;
  status: string;
  type: string;
  worker_id: string | null;
  activity: string;
  steps_completed: number | string;
  steps_total: number | string;
}

const TASK_COLUMNS = 't.id, t.job_id, t.name, t.status, t.type, t.worker_id, t.activity, t.steps_completed, t.steps_total';

function storedTask(row: TaskRow): StoredTask {
  return {
    id: row.id,
    jobId: row.job_id,
    name: row.name,
    status: row.status as TaskStatus,
    type: row.type,
    workerId: row.worker_id,
    activity: row.activity,
    stepsCompleted: Number(row.steps_completed),
    stepsTotal: Number(row.steps_total),
  };
}

async function loadTask(db: Database, taskId: string): Promise<StoredTask | undefined> {
  const [row] = await queryRows<TaskRow>(db, `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = ?`, [taskId]);
  return row ? storedTask(row) : undefined;
}

// The task with its job's status, and the job's counts, in one query without a join (see job-snapshot.ts).
const TASK_AND_JOB_SQL = `SELECT ${TASK_COLUMNS}, (SELECT j.status FROM jobs j WHERE j.id = t.job_id) AS job_status,
    NULL AS counted_status, NULL AS counted
  FROM tasks t WHERE t.id = ?
  UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.status, c.n
  FROM job_task_counts c WHERE c.job_id = (SELECT job_id FROM tasks WHERE id = ?)`;

/** The task and its job as the state machine sees it. */
async function loadTaskAndJob(db: Database, taskId: string): Promise<{ task: StoredTask; job: JobSnapshot } | undefined> {
  const rows = await queryRows<TaskRow & SnapshotRow>(db, TASK_AND_JOB_SQL, [taskId, taskId]);
  const taskRow = rows.find((row) => row.id !== null);
  const job = taskRow && snapshotFromRows(taskRow.job_id, rows);
  return taskRow && job ? { task: storedTask(taskRow), job } : undefined;
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
      // PostgreSQL: the job's lock first, so that what is read next is the latest.
      await lockJobOfTask(trx, taskId);
      const loaded = await loadTaskAndJob(trx, taskId);
      if (!loaded) return { kind: 'unknown-task' };
      const { task, job } = loaded;
      const jobId = task.jobId;

      const decision = decideWorkerTaskUpdate(worker.id, task, update);
      if (decision.kind === 'refused') return decision;

      const firstEvent = applied.events.length;
      await markWorkerSeen(trx, worker, now);
      if (decision.log !== undefined) {
        // Before the manager's lines about a status change (written after commit): the worker's likely explain it.
        applied.logWrites.push(services.taskLogs.append(jobId, taskId, decision.log));
      }
      const change = decision.statusChange;
      // A status change carries the activity along (and ends the task's time as active, so
      // touching it is moot); what is left is written here.
      const stays = change.kind === 'none';
      await updateProgress(trx, taskId, stays ? decision.activity : undefined, decision.stepsCompleted, stays, now);

      if (change.kind === 'change') {
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
      completeOwnTaskEvents(applied.events.slice(firstEvent), task, decision, worker);
      return { kind: 'applied' };
    }),
  );
}

/** Activity, steps and "touched" of a task that stays as it is, in one statement (one of a few fixed texts). */
async function updateProgress(
  trx: Database,
  taskId: string,
  activity: string | undefined,
  stepsCompleted: number | undefined,
  touch: boolean,
  now: string,
): Promise<void> {
  const set: [column: string, value: SqlValue][] = [];
  if (activity !== undefined) set.push(['activity', activity]);
  if (stepsCompleted !== undefined) set.push(['steps_completed', stepsCompleted]);
  if (set.length > 0) set.push(['updated_at', now]);
  if (touch) set.push(['last_touched_at', now]);
  if (set.length === 0) return;
  const columns = set.map(([column]) => `${column} = ?`).join(', ');
  await changeRows(trx, `UPDATE tasks SET ${columns} WHERE id = ?`, [...set.map(([, value]) => value), taskId]);
}

/**
 * Fills in the whole EventTaskUpdate of the task's own events from what is known here, so that
 * the event stream need not read the task back (what the events say stays as it is).
 */
function completeOwnTaskEvents(
  events: readonly FarmEvent[],
  task: StoredTask,
  decision: { activity?: string; stepsCompleted?: number },
  worker: ReportingWorker,
): void {
  for (const event of events) {
    if (event.type !== 'task' || event.data.id !== task.id) continue;
    const status = (event.data.status as TaskStatus | undefined) ?? task.status;
    const steps = stepsChangeFor(status);
    const known: Record<string, unknown> = {
      name: task.name,
      status,
      activity: decision.activity ?? task.activity,
      steps_completed: steps === 'complete' ? task.stepsTotal : steps === 'reset' ? 0 : (decision.stepsCompleted ?? task.stepsCompleted),
      steps_total: task.stepsTotal,
      worker: { name: worker.name, uuid: worker.id },
    };
    for (const [field, value] of Object.entries(known)) if (event.data[field] === undefined) event.data[field] = value;
  }
}

function activityOf(decision: { activity?: string }): { activity?: string } {
  return decision.activity === undefined ? {} : { activity: decision.activity };
}

export async function snapshotOf(trx: Database, jobId: string): Promise<JobSnapshot> {
  const job = await loadJobSnapshot(trx, jobId);
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
