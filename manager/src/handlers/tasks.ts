// Task operations for people: look at one task, cancel or requeue it.

import type { Schema } from '@tablao/api-client';
import { decideTaskStatusRequest } from '../domain/task-status-requests.ts';
import { badRequest, HttpError, notFound } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { applyEffects } from '../storage/apply-effects.ts';
import { loadJobSnapshot } from '../storage/job-snapshot.ts';
import { isStorableText, lockJob, type TaskSummaryRecord } from '../storage/jobs.ts';
import { fetchTask, fetchTaskStatus, type TaskRecord } from '../storage/tasks.ts';
import { inTransaction } from '../storage/transaction.ts';
import { apiTaskSummary } from './api-shapes.ts';
import type { ManagerServices } from './context.ts';

export function taskHandlers(services: ManagerServices) {
  return {
    fetchTask: async ({ params }) => {
      const task = await fetchTask(services.db, params.task_id);
      if (!task) throw notFound(`there is no task ${String(params.task_id)}`);
      return apiTask(task);
    },

    setTaskStatus: async ({ params, body: change }) => {
      const taskId = params.task_id;
      refuseUnstorableText({ reason: change.reason });
      await inTransaction(services, async (trx, applied, now) => {
        const found = await fetchTaskStatus(trx, taskId);
        if (!found) throw notFound(`there is no task ${taskId}`);
        await lockJob(trx, found.jobId);
        // Read again under the lock: the task may have moved on while we waited for it.
        const task = await fetchTaskStatus(trx, taskId);
        const job = await loadJobSnapshot(trx, found.jobId);
        if (!task || !job) throw notFound(`there is no task ${taskId}`);
        const decision = decideTaskStatusRequest(job, task, change, services.stateMachine);
        if (decision.kind === 'refused') throw new HttpError(decision.httpStatus, decision.message);
        await applyEffects(trx, decision.effects, now, services.stateMachine, applied);
      });
    },
  } satisfies OperationHandlers;
}

/** 400 for the first field whose text the database cannot keep as it is. */
export function refuseUnstorableText(fields: Record<string, string | undefined>): void {
  for (const [field, value] of Object.entries(fields)) {
    if (value !== undefined && !isStorableText(value)) {
      throw badRequest(`"${field}" contains a NUL character or half of a UTF-16 surrogate pair, which the manager cannot keep; remove it`);
    }
  }
}

/** A task summary with its worker, as Flamenco's `TaskSummary` has it. */
export function apiTaskSummaryWithWorker(task: TaskSummaryRecord): Schema<'TaskSummary'> {
  return { ...apiTaskSummary(task), ...(task.worker ? { worker: task.worker } : {}) };
}

export function apiTask(task: TaskRecord): Schema<'Task'> {
  return {
    id: task.id,
    created: task.createdAt,
    updated: task.updatedAt,
    job_id: task.jobId,
    index_in_job: task.indexInJob,
    name: task.name,
    status: task.status,
    priority: task.priority,
    task_type: task.taskType,
    activity: task.activity,
    commands: task.commands.map((command) => ({ name: command.name, parameters: command.parameters, total_step_count: command.totalStepCount })),
    steps_completed: task.stepsCompleted,
    steps_total: task.stepsTotal,
    ...(task.worker ? { worker: task.worker } : {}),
    ...(task.lastTouchedAt ? { last_touched: task.lastTouchedAt } : {}),
    failed_by_workers: task.failedBy,
  };
}
