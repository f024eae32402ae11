// Handing a task to a worker that asks for one: the runnable rules and the dispatch order of
// domain/task-choice.ts, done by the database. Two workers never get one task: the claim is a
// conditional UPDATE that only succeeds while the task can still be handed out (and on
// PostgreSQL, candidates are locked with SKIP LOCKED, so concurrent askers pass each other
// instead of queueing behind one row).
//
// The query walks, for each job that may hand out tasks, the partial index of its queued and
// soft-failed tasks in (priority, position) order and stops at the first task this worker may
// run; the best of those per-job picks wins. Jobs are looked at one priority level at a time,
// highest first, so lower levels cost nothing while a higher one has work.

import type { Effect, SetTaskStatus } from '../domain/effects.ts';
import { SCHEDULABLE_JOB_STATUSES, SCHEDULABLE_TASK_STATUSES } from '../domain/statuses.ts';
import type { JobStatus, TaskStatus } from '../domain/statuses.ts';
import { compareForDispatch } from '../domain/task-choice.ts';
import type { DispatchTask } from '../domain/task-choice.ts';
import { changeTaskStatus } from '../domain/task-state-machine.ts';
import type { StateMachineOptions } from '../domain/task-state-machine.ts';
import { applyEffects, taskStatusEvent } from './apply-effects.ts';
import { isPostgres, type Database } from './database.ts';
import { changeRows, queryRows } from './direct-sql.ts';
import { inTransaction, type TransactionServices } from './transaction.ts';
import { retryOnTransientConflict, snapshotOf, touchTask } from './task-updates.ts';
import { markWorkerSeen, type KnownWorker } from './workers.ts';

/** A command as the compiler stores it. */
export interface StoredCommand {
  name: string;
  parameters: Record<string, unknown>;
  totalStepCount: number;
}

/** What a worker gets: the task with its job's facts, commands not yet expanded. */
export interface TaskForWorker {
  id: string;
  jobId: string;
  name: string;
  status: TaskStatus;
  priority: number;
  jobPriority: number;
  jobType: string;
  taskType: string;
  commands: StoredCommand[];
  stepsCompleted: number;
  stepsTotal: number;
}

export type ScheduleOutcome =
  /** The worker already runs this task; it asked again after a crash or reconnect. */
  | { kind: 'resumed'; task: TaskForWorker }
  | { kind: 'assigned'; task: TaskForWorker }
  | { kind: 'none' };

export interface SchedulerServices extends TransactionServices {
  stateMachine: StateMachineOptions;
}

// The WHERE texts of the partial indexes (migrations 004 and 006), word for word: SQLite uses a
// partial index only for queries that repeat its condition.
const SCHEDULABLE_TASK_SQL = `t.status ${sqlList(SCHEDULABLE_TASK_STATUSES)}`;
const ACTIVE_TASK_SQL = `t.status = 'active'`;
const SCHEDULABLE_JOB_SQL = sqlList(SCHEDULABLE_JOB_STATUSES);

/** How often a claim may lose a race before the worker is told there is nothing (it asks again soon). */
const MAX_CLAIM_ATTEMPTS = 20;

/** Finds, claims and activates the best task for the worker, or gives back the one it runs. */
export async function scheduleTaskFor(services: SchedulerServices, worker: KnownWorker): Promise<ScheduleOutcome> {
  return retryOnTransientConflict(() =>
    inTransaction(services, async (trx, applied, now) => {
      await markWorkerSeen(trx, worker, now);
      const own = await findActiveTaskOf(trx, worker.id);
      if (own) {
        await touchTask(trx, own.id, now);
        return { kind: 'resumed', task: own } as const;
      }

      const excluded: string[] = [];
      for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
        const candidate = await findRunnableTask(trx, worker, excluded);
        if (!candidate) return { kind: 'none' } as const;
        const { task } = candidate;
        const [activation, ...cascade] = changeTaskStatus(
          await snapshotOf(trx, task.jobId),
          { id: task.id, status: task.status },
          'active',
          {},
          services.stateMachine,
        ).effects;
        if (!isActivation(activation)) throw new Error(`a task is claimed by making it active, not by ${JSON.stringify(activation)}`);
        if (!(await claimTask(trx, activation, worker.id, now))) {
          excluded.push(task.id);
          continue;
        }
        // The whole EventTaskUpdate is known here, so the event stream need not read it back.
        const event = taskStatusEvent(activation, now);
        Object.assign(event.data, {
          name: task.name,
          activity: candidate.activity,
          steps_completed: task.stepsCompleted,
          steps_total: task.stepsTotal,
          worker: { name: worker.name, uuid: worker.id },
        });
        applied.events.push(event);
        const assigned: Effect = { kind: 'write-task-log', jobId: task.jobId, taskId: task.id, line: `Task assigned to worker ${worker.name} (${worker.id}).` };
        await applyEffects(trx, [assigned, ...cascade], now, services.stateMachine, applied);
        return { kind: 'assigned', task: { ...task, status: 'active' } } as const;
      }
      return { kind: 'none' } as const;
    }),
  );
}

interface TaskRow {
  id: string;
  job_id: string;
  name: string;
  status: string;
  priority: number | string;
  index_in_job: number | string;
  type: string;
  activity: string;
  commands: string;
  steps_completed: number | string;
  steps_total: number | string;
  job_status: string;
  job_priority: number | string;
  job_type: string;
  job_created_at: string;
}

const TASK_COLUMNS = `t.id, t.job_id, t.name, t.status, t.priority, t.index_in_job, t.type, t.activity, t.commands,
  t.steps_completed, t.steps_total, j.status AS job_status, j.priority AS job_priority, j.job_type, j.created_at AS job_created_at`;

function taskForWorker(row: TaskRow): TaskForWorker {
  return {
    id: row.id,
    jobId: row.job_id,
    name: row.name,
    status: row.status as TaskStatus,
    priority: Number(row.priority),
    jobPriority: Number(row.job_priority),
    jobType: row.job_type,
    taskType: row.type,
    commands: JSON.parse(row.commands) as StoredCommand[],
    stepsCompleted: Number(row.steps_completed),
    stepsTotal: Number(row.steps_total),
  };
}

/** The active task the worker runs in a job that still hands out work, if any. */
export async function findActiveTaskOf(db: Database, workerId: string): Promise<TaskForWorker | undefined> {
  // Mostly there is none, and this asks without a join, which SQLite would plan anew each time.
  const active = await queryRows(db, `SELECT t.id FROM tasks t WHERE t.worker_id = ? AND ${ACTIVE_TASK_SQL} LIMIT 1`, [workerId]);
  if (active.length === 0) return undefined;
  // The worker's active tasks from their small index first: joined as they are, SQLite would walk each job's tasks instead.
  const rows = await queryRows<TaskRow>(
    db,
    `SELECT ${TASK_COLUMNS} FROM tasks t JOIN jobs j ON j.id = t.job_id
       WHERE t.id IN (SELECT t.id FROM tasks t WHERE t.worker_id = ? AND ${ACTIVE_TASK_SQL}) AND j.status ${SCHEDULABLE_JOB_SQL}
       ORDER BY j.priority DESC, t.priority DESC, j.created_at, j.id, t.index_in_job
       LIMIT 1`,
    [workerId],
  );
  return rows[0] ? taskForWorker(rows[0]) : undefined;
}

export interface RunnableTask {
  task: TaskForWorker;
  activity: string;
}

/**
 * The best task this worker may run now, not counting `excludedTaskIds`, or undefined.
 * Read-only on SQLite; on PostgreSQL it locks the per-job picks until the transaction ends.
 */
export async function findRunnableTask(db: Database, worker: KnownWorker, excludedTaskIds: readonly string[] = []): Promise<RunnableTask | undefined> {
  if (worker.supportedTaskTypes.length === 0) return undefined;
  const lock = isPostgres(db) ? 'FOR UPDATE OF t SKIP LOCKED' : '';
  const types = worker.supportedTaskTypes;
  const exclusion = excludedTaskIds.length > 0 ? `AND t.id NOT IN (${placeholders(excludedTaskIds)})` : '';
  const tagsOf = (job: string, member: string): string =>
    `(${job}.worker_tag_id IS NULL OR ${job}.worker_tag_id IN (SELECT ${member}.tag_id FROM worker_tag_members ${member} WHERE ${member}.worker_id = ?))`;

  // Priorities are 0–100; this bound is above all of them and still a 32-bit integer for PostgreSQL.
  let belowPriority = 2_147_483_647;
  for (;;) {
    // One row per job of the highest priority level under `belowPriority`, with its best task
    // for this worker, if it has one.
    const picks = await queryRows<TaskRow & { level_priority: number | string }>(
      db,
      `WITH level AS MATERIALIZED (
           SELECT j.priority AS job_priority,
             (SELECT t.id FROM tasks t
               WHERE t.job_id = j.id
                 AND ${SCHEDULABLE_TASK_SQL}
                 AND t.type IN (${placeholders(types)})
                 AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks dep ON dep.id = d.depends_on_id
                                 WHERE d.task_id = t.id AND dep.status <> 'completed')
                 AND NOT EXISTS (SELECT 1 FROM task_failures f WHERE f.task_id = t.id AND f.worker_id = ?)
                 AND NOT EXISTS (SELECT 1 FROM job_blocklist b WHERE b.job_id = j.id AND b.worker_id = ? AND b.task_type = t.type)
                 ${exclusion}
               ORDER BY t.priority DESC, t.index_in_job
               LIMIT 1 ${lock}) AS task_id
           FROM jobs j
           WHERE j.status ${SCHEDULABLE_JOB_SQL} AND j.delete_requested_at IS NULL AND ${tagsOf('j', 'm')}
             AND j.priority = (SELECT MAX(j2.priority) FROM jobs j2
                               WHERE j2.status ${SCHEDULABLE_JOB_SQL} AND j2.delete_requested_at IS NULL AND j2.priority < ? AND ${tagsOf('j2', 'm2')})
         )
         SELECT level.job_priority AS level_priority, ${TASK_COLUMNS}
         FROM level LEFT JOIN tasks t ON t.id = level.task_id LEFT JOIN jobs j ON j.id = t.job_id`,
      [...types, worker.id, worker.id, ...excludedTaskIds, worker.id, belowPriority, worker.id],
    );
    if (picks.length === 0) return undefined;
    const found = picks.filter((pick) => pick.id !== null);
    if (found.length === 0) {
      belowPriority = Number(picks[0]?.level_priority);
      continue;
    }
    const best = found.map((row) => ({ row, dispatch: dispatchOrderOf(row) })).sort((a, b) => compareForDispatch(a.dispatch, b.dispatch))[0];
    if (!best) return undefined;
    return { task: taskForWorker(best.row), activity: best.row.activity };
  }
}

/** Just enough of a DispatchTask for the domain's dispatch order. */
function dispatchOrderOf(row: TaskRow): DispatchTask {
  return {
    id: row.id,
    job: {
      id: row.job_id,
      status: row.job_status as JobStatus,
      priority: Number(row.job_priority),
      createdAt: Date.parse(row.job_created_at),
      workerTagId: null,
      blocklist: [],
    },
    status: row.status as TaskStatus,
    priority: Number(row.priority),
    indexInJob: Number(row.index_in_job),
    type: row.type,
    dependencyStatuses: [],
    failedByWorkerIds: [],
    workerId: null,
  };
}

/**
 * The claim: the task's change to active (the state machine's first effect), made together with
 * giving it to the worker, and only while the task can still be handed out. False when another
 * worker got it first.
 */
export async function claimTask(db: Database, activation: SetTaskStatus, workerId: string, now: string): Promise<boolean> {
  const claimed = await changeRows(
    db,
    `UPDATE tasks SET worker_id = ?, status = 'active', last_touched_at = ?, updated_at = ?
     WHERE id = ? AND status ${sqlList(SCHEDULABLE_TASK_STATUSES)}
       AND EXISTS (SELECT 1 FROM jobs j WHERE j.id = tasks.job_id AND j.status ${SCHEDULABLE_JOB_SQL})`,
    [workerId, now, now, activation.taskId],
  );
  return claimed === 1;
}

/** The state machine's change of a task to active, with nothing else to write than the claim writes. */
function isActivation(effect: Effect | undefined): effect is SetTaskStatus {
  return effect?.kind === 'set-task-status' && effect.to === 'active' && effect.activity === undefined && effect.steps === 'unchanged';
}

/** `IN ('queued', 'soft-failed')`: statuses as literals, so the text matches the partial indexes'. */
function sqlList(statuses: readonly string[]): string {
  return `IN (${statuses.map((status) => `'${status}'`).join(', ')})`;
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
