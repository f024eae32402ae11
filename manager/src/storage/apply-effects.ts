// Applies the domain's decisions (domain/effects.ts) to storage, in order, inside the caller's
// transaction. Task log lines and events are collected for the caller to write and publish
// once the transaction has committed.

import type { Effect, SetTaskStatus, StepsChange } from '../domain/effects.ts';
import { returnTaskToPool } from '../domain/task-return.ts';
import type { StateMachineOptions } from '../domain/task-state-machine.ts';
import type { TaskStatus } from '../domain/statuses.ts';
import type { FarmEvent } from '../events/event-bus.ts';
import type { Database } from './database.ts';
import { changeRows } from './direct-sql.ts';
import { loadJobSnapshot } from './job-snapshot.ts';

export interface AppliedEffects {
  /** Log lines for task logs, in order: written after commit. */
  taskLogLines: { jobId: string; taskId: string; line: string }[];
  /** Events to publish after commit. */
  events: FarmEvent[];
  /**
   * Writes of task logs started during the transaction (a worker's lines, before the manager's
   * own): the caller is answered once they are done, but the transaction does not wait for them.
   */
  logWrites: Promise<void>[];
}

export function emptyApplied(): AppliedEffects {
  return { taskLogLines: [], events: [], logWrites: [] };
}

export async function applyEffects(
  trx: Database,
  effects: readonly Effect[],
  now: string,
  options: StateMachineOptions,
  applied: AppliedEffects = emptyApplied(),
): Promise<AppliedEffects> {
  for (const effect of effects) {
    switch (effect.kind) {
      case 'set-job-status':
        await trx('jobs').where('id', effect.jobId).update({ status: effect.to, activity: effect.activity, updated_at: now });
        if (effect.from !== effect.to) {
          await trx('job_status_changes').insert({ job_id: effect.jobId, from_status: effect.from, to_status: effect.to, reason: effect.reason, at: now });
        }
        applied.events.push({
          type: 'job',
          data: { id: effect.jobId, status: effect.to, previous_status: effect.from, refresh_tasks: effect.refreshTasks, updated: now },
        });
        break;
      case 'set-task-status': {
        // One of a few fixed texts (knex's builder costs more than the statement): the hottest write.
        const activity = effect.activity === undefined ? '' : ', activity = ?';
        await changeRows(trx, `UPDATE tasks SET status = ?${activity}${STEPS_SQL[effect.steps]}, updated_at = ? WHERE id = ?`, [
          effect.to,
          ...(effect.activity === undefined ? [] : [effect.activity]),
          now,
          effect.taskId,
        ]);
        applied.events.push(taskStatusEvent(effect, now));
        break;
      }
      case 'set-tasks-status': {
        const query = trx('tasks').where('job_id', effect.jobId);
        if (effect.where !== 'all') query.whereIn('status', effect.where as TaskStatus[]);
        await query.update({ status: effect.to, activity: effect.activity, ...stepsUpdate(trx, effect.steps), updated_at: now });
        break;
      }
      case 'write-task-log':
        applied.taskLogLines.push({ jobId: effect.jobId, taskId: effect.taskId, line: effect.line });
        break;
      case 'record-task-failure':
        await trx('task_failures')
          .insert({ task_id: effect.taskId, worker_id: effect.workerId, created_at: now })
          .onConflict(['task_id', 'worker_id'])
          .ignore();
        break;
      case 'clear-task-failures':
        await trx('task_failures').where('task_id', effect.taskId).delete();
        break;
      case 'clear-job-failures':
        await trx('task_failures')
          .whereIn('task_id', trx('tasks').select('id').where('job_id', effect.jobId))
          .delete();
        break;
      case 'add-to-blocklist':
        await trx('job_blocklist')
          .insert({ job_id: effect.jobId, worker_id: effect.workerId, task_type: effect.taskType, created_at: now })
          .onConflict(['job_id', 'worker_id', 'task_type'])
          .ignore();
        break;
      case 'clear-job-blocklist':
        await trx('job_blocklist').where('job_id', effect.jobId).delete();
        break;
      case 'set-worker-status':
        await trx('workers').where('id', effect.workerId).update({ status: effect.to, updated_at: now });
        applied.events.push({ type: 'worker', data: { id: effect.workerId, status: effect.to, previous_status: effect.from, updated: now } });
        break;
      case 'set-worker-status-request':
        await trx('workers')
          .where('id', effect.workerId)
          .update({
            status_requested: effect.request?.status ?? null,
            lazy_status_request: effect.request?.isLazy ?? false,
            updated_at: now,
          });
        applied.events.push({
          type: 'worker',
          data: {
            id: effect.workerId,
            ...(effect.request ? { status_change: { status: effect.request.status, is_lazy: effect.request.isLazy } } : {}),
            updated: now,
          },
        });
        break;
      case 'return-active-tasks-of-worker': {
        const tasks: { id: string; job_id: string }[] = await trx('tasks')
          .where({ worker_id: effect.workerId, status: 'active' })
          .select('id', 'job_id');
        for (const task of tasks) {
          const job = await loadJobSnapshot(trx, task.job_id);
          if (!job) continue;
          const outcome = returnTaskToPool(job, { id: task.id, status: 'active' }, effect.reason, options);
          await applyEffects(trx, outcome.effects, now, options, applied);
        }
        break;
      }
      default: {
        const unknown: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(unknown)}`);
      }
    }
  }
  return applied;
}

/** The event of a task's status change (event-payloads.ts fills in the rest of EventTaskUpdate). */
export function taskStatusEvent(effect: SetTaskStatus, now: string): FarmEvent {
  return {
    type: 'task',
    data: {
      id: effect.taskId,
      job_id: effect.jobId,
      status: effect.to,
      previous_status: effect.from,
      ...(effect.activity === undefined ? {} : { activity: effect.activity }),
      updated: now,
    },
  };
}

const STEPS_SQL: Record<StepsChange, string> = { complete: ', steps_completed = steps_total', reset: ', steps_completed = 0', unchanged: '' };

function stepsUpdate(trx: Database, steps: StepsChange): Record<string, unknown> {
  if (steps === 'complete') return { steps_completed: trx.ref('steps_total') };
  if (steps === 'reset') return { steps_completed: 0 };
  return {};
}
