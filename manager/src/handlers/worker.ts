// The worker protocol: registration, sign-on/off, status changes, asking for tasks, reporting
// on them and may-i-run. Every call but registration carries the worker's credentials.

import { randomUUID } from 'node:crypto';
import type { Schema } from '@tablao/api-client';
import type { Context } from 'koa';
import { buildVariableTable, expandTaskCommands, type VariableTable } from '../domain/variables.ts';
import { answerTaskRequest, pendingStatusChange } from '../domain/worker-status-requests.ts';
import { managerTimeZone } from '../background/sleep-scheduler.ts';
import { HttpError, notFound } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import { hashWorkerSecret, requestWorker } from '../http/worker-auth.ts';
import { timestamp } from '../clock.ts';
import { scheduleTaskFor, type TaskForWorker } from '../storage/task-scheduler.ts';
import { answerMayIRun, applyWorkerTaskUpdate } from '../storage/task-updates.ts';
import {
  insertWorker,
  markWorkerSeen,
  normalizeTaskTypes,
  reportWorkerStatus,
  signOffWorker,
  signOnWorker,
  workerStateOf,
  type KnownWorker,
} from '../storage/workers.ts';
import type { ManagerServices } from './context.ts';

export function workerHandlers(services: ManagerServices) {
  const variables = variableTableFor(services);
  // Looking the zone up costs more than a whole sign-on; it does not change while the manager runs.
  const timeZone = managerTimeZone();
  const worker = (ctx: Context): Promise<KnownWorker> => requestWorker(services.db, ctx);

  return {
    registerWorker: async ({ body: registration }, ctx) => {
      const registered = await insertWorker(services.db, {
        id: randomUUID(),
        secretHash: hashWorkerSecret(registration.secret),
        name: registration.name,
        address: ctx.ip,
        platform: registration.platform,
        supportedTaskTypes: normalizeTaskTypes(registration.supported_task_types),
        now: timestamp(services.clock),
      });
      services.log.info({ worker: registered.id, name: registered.name }, 'worker registered');
      services.events.publish({ type: 'worker', data: { id: registered.id, name: registered.name, status: registered.status } });
      return {
        uuid: registered.id,
        name: registered.name,
        address: registered.address,
        status: registered.status,
        platform: registered.platform,
        software: registered.software,
        supported_task_types: registered.supportedTaskTypes,
      };
    },

    signOn: async ({ body: signOn }, ctx) => {
      const me = await worker(ctx);
      const initialStatus = await signOnWorker(
        services,
        me,
        {
          name: signOn.name,
          supportedTaskTypes: normalizeTaskTypes(signOn.supported_task_types),
          software: signOn.software_version,
          canRestart: signOn.can_restart === true,
          address: ctx.ip,
        },
        timeZone,
      );
      services.log.info({ worker: me.id, name: signOn.name, initialStatus }, 'worker signed on');
      return { status_requested: initialStatus };
    },

    signOff: async (_request, ctx) => {
      const me = await worker(ctx);
      await signOffWorker(services, me);
      services.log.info({ worker: me.id, name: me.name }, 'worker signed off');
      return undefined;
    },

    workerState: async (_request, ctx) => {
      const me = await worker(ctx);
      await markWorkerSeen(services.db, me, timestamp(services.clock));
      const requested = pendingStatusChange(workerStateOf(me));
      return requested === null ? Reply.withoutBody(204) : { status_requested: requested };
    },

    workerStateChanged: async ({ body }, ctx) => {
      const me = await worker(ctx);
      const warning = await reportWorkerStatus(services, me, body.status);
      if (warning !== undefined) services.log.warn({ worker: me.id }, warning);
      return undefined;
    },

    scheduleTask: async (_request, ctx) => {
      const me = await worker(ctx);
      const answer = answerTaskRequest(workerStateOf(me));
      if (answer.kind !== 'may-get-task') {
        // Asking is a sign of life, whatever the answer.
        await markWorkerSeen(services.db, me, timestamp(services.clock));
        if (answer.kind === 'change-status-first') return new Reply(423, { status_requested: answer.status });
        throw new HttpError(409, `${answer.message} Report "awake" (POST /api/v3/worker/state-changed) before asking for work.`);
      }
      const outcome = await scheduleTaskFor(services, me);
      if (outcome.kind === 'none') return Reply.withoutBody(204);
      return assignedTask(outcome.task, me, variables(), services.platform);
    },

    taskUpdate: async ({ params, body: update }, ctx) => {
      const me = await worker(ctx);
      const taskId = params.task_id;
      const result = await applyWorkerTaskUpdate(services, me, taskId, {
        ...(update.taskStatus === undefined ? {} : { taskStatus: update.taskStatus }),
        ...(update.activity === undefined ? {} : { activity: update.activity }),
        ...(update.log === undefined ? {} : { log: update.log }),
        ...(update.steps_completed === undefined ? {} : { stepsCompleted: update.steps_completed }),
      });
      if (result.kind === 'unknown-task') throw notFound(`there is no task ${taskId}; it may have been deleted with its job, so stop working on it`);
      if (result.kind === 'refused') throw new HttpError(result.httpStatus, result.message);
      return undefined;
    },

    mayWorkerRun: async ({ params }, ctx) => {
      const me = await worker(ctx);
      const answer = await answerMayIRun(services, me, params.task_id);
      return { mayKeepRunning: answer.mayKeepRunning, reason: answer.reason, statusChangeRequested: answer.statusChangeRequested };
    },
  } satisfies OperationHandlers;
}

/** Flamenco's AssignedTask, with the commands' variables expanded for the worker's platform. */
function assignedTask(task: TaskForWorker, worker: KnownWorker, variables: VariableTable, managerPlatform: string): Schema<'AssignedTask'> {
  const commands = expandTaskCommands(task.commands, worker, variables, managerPlatform);
  return {
    uuid: task.id,
    job: task.jobId,
    name: task.name,
    status: task.status,
    priority: task.priority,
    job_priority: task.jobPriority,
    job_type: task.jobType,
    task_type: task.taskType,
    commands: commands.map((command) => ({ name: command.name, parameters: command.parameters, total_step_count: command.totalStepCount })),
    steps_completed: task.stepsCompleted,
    steps_total: task.stepsTotal,
  };
}

/** The variable table, built again only when the configuration's variables or shared storage changed. */
function variableTableFor(services: ManagerServices): () => VariableTable {
  let built: { definitions: unknown; jobsPath: string; table: VariableTable } | undefined;
  return () => {
    const { variables: definitions, sharedStoragePath: jobsPath } = services.config;
    if (built?.definitions !== definitions || built.jobsPath !== jobsPath) {
      const { table, warnings } = buildVariableTable(definitions, { jobsPath });
      for (const warning of warnings) services.log.debug(warning);
      built = { definitions, jobsPath, table };
    }
    return built.table;
  };
}
