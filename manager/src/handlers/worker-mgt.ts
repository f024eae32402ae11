// Worker management, for people: list and inspect workers, delete them, ask them to change
// status, group them with tags, give them sleep schedules, exempt them from blocklisting.
// Changes are published as `worker` and `worker-tag` events once they are stored.

import { randomUUID } from 'node:crypto';
import type { Schema } from '@tablao/api-client';
import { followSleepSchedule, managerTimeZone } from '../background/sleep-scheduler.ts';
import { normalizeSleepSchedule, formatTimeOfDay } from '../domain/sleep-schedule.ts';
import { decideWorkerDeletion, decideWorkerStatusRequest } from '../domain/worker-status-requests.ts';
import type { FarmEvent } from '../events/event-bus.ts';
import { conflict, HttpError, notFound, unprocessable, badRequest } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import { applyEffects } from '../storage/apply-effects.ts';
import type { Database } from '../storage/database.ts';
import { fetchSleepSchedule } from '../storage/sleep-schedules.ts';
import { inTransaction } from '../storage/transaction.ts';
import {
  fetchWorkerRecord,
  fetchWorkerTask,
  listWorkers,
  setWorkerNeverBlocklist,
  softDeleteWorker,
  workerState,
  type WorkerRecord,
  type WorkerTaskRecord,
} from '../storage/worker-management.ts';
import {
  countWorkerTags,
  deleteWorkerTag,
  fetchWorkerTag,
  fetchWorkerTagByName,
  insertWorkerTag,
  isUniqueViolation,
  listWorkerTags,
  MAX_WORKER_TAGS,
  setTagsOfWorker,
  tagsOfWorker,
  unknownWorkerTagIds,
  updateWorkerTag,
  type WorkerTagRecord,
} from '../storage/worker-tags.ts';
import { apiTaskSummary } from './api-shapes.ts';
import type { ManagerServices } from './context.ts';

export function workerManagementHandlers(services: ManagerServices) {
  const timeZone = managerTimeZone();

  return {
    fetchWorkers: async ({ query }) => {
      const { workers, total } = await listWorkers(services.db, {
        offset: query.offset ?? 0,
        limit: query.limit ?? 1000,
      });
      return new Reply(200, { workers: workers.map(apiWorkerSummary) }, { 'X-Total-Count': String(total) });
    },

    fetchWorker: async ({ params }) => {
      const worker = await existingWorker(services.db, params.worker_id);
      const [task, tags] = await Promise.all([fetchWorkerTask(services.db, worker.id), tagsOfWorker(services.db, worker.id)]);
      return apiWorker(worker, task, tags);
    },

    deleteWorker: async ({ params }) => {
      await inTransaction(services, async (trx, applied, now) => {
        const worker = await existingWorker(trx, params.worker_id);
        await applyEffects(trx, decideWorkerDeletion(workerState(worker)).effects, now, services.stateMachine, applied);
        await softDeleteWorker(trx, worker.id, now);
        applied.events.push(workerEvent({ ...worker, deletedAt: now, updatedAt: now }));
      });
      services.log.info({ worker: params.worker_id }, 'worker deleted');
    },

    requestWorkerStatusChange: async ({ params, body: change }) => {
      await inTransaction(services, async (trx, applied, now) => {
        const worker = await existingWorker(trx, params.worker_id);
        const decision = decideWorkerStatusRequest(workerState(worker), { status: change.status, isLazy: change.is_lazy });
        if (decision.kind === 'refused') throw new HttpError(decision.httpStatus, decision.message);
        await applyEffects(trx, decision.effects, now, services.stateMachine, applied);
      });
    },

    setWorkerTags: async ({ params, body }) => {
      const tagIds = [...new Set(body.tag_ids)];
      await inTransaction(services, async (trx, applied, now) => {
        const worker = await existingWorker(trx, params.worker_id);
        const unknown = await unknownWorkerTagIds(trx, tagIds);
        if (unknown.length > 0) {
          throw unprocessable(`there is no worker tag ${unknown.join(', ')}; GET /api/v3/worker-mgt/tags lists the tags there are`);
        }
        await setTagsOfWorker(trx, worker.id, tagIds, now);
        applied.events.push(workerEvent({ ...worker, updatedAt: now }));
      });
    },

    setWorkerBlocklisting: async ({ params, body }) => {
      const neverBlocklist = body.never_blocklist;
      await inTransaction(services, async (trx, applied, now) => {
        const worker = await existingWorker(trx, params.worker_id);
        const removed = await setWorkerNeverBlocklist(trx, worker.id, neverBlocklist, now);
        if (removed > 0) services.log.info({ worker: worker.id, entries: removed }, 'worker marked never to be blocklisted; taken off blocklists');
        applied.events.push(workerEvent({ ...worker, neverBlocklist, updatedAt: now }));
      });
    },

    fetchWorkerSleepSchedule: async ({ params }) => {
      const worker = await existingWorker(services.db, params.worker_id);
      const stored = await fetchSleepSchedule(services.db, worker.id);
      if (!stored) return Reply.withoutBody(204);
      return {
        is_active: stored.schedule.isActive,
        days_of_week: stored.schedule.daysOfWeek,
        start_time: formatTimeOfDay(stored.schedule.startTime),
        end_time: formatTimeOfDay(stored.schedule.endTime),
      };
    },

    setWorkerSleepSchedule: async ({ params, body: input }) => {
      const normalized = normalizeSleepSchedule({
        isActive: input.is_active,
        daysOfWeek: input.days_of_week,
        startTime: input.start_time,
        endTime: input.end_time,
      });
      await inTransaction(services, async (trx, applied, now) => {
        const worker = await existingWorker(trx, params.worker_id);
        if (normalized.kind === 'refused') throw new HttpError(normalized.httpStatus, normalized.message);
        await followSleepSchedule(trx, applied, worker, normalized.schedule, now, { timeZone, stateMachine: services.stateMachine, save: true });
      });
    },

    fetchWorkerTags: async () => ({ tags: (await listWorkerTags(services.db)).map(apiWorkerTag) }),

    fetchWorkerTag: async ({ params }) => apiWorkerTag(await existingTag(services.db, params.tag_id)),

    createWorkerTag: async ({ body: input }) => {
      const tag: WorkerTagRecord = { id: input.id || randomUUID(), name: tagName(input.name), description: input.description ?? '' };
      await refuseRacingTagNames(
        inTransaction(services, async (trx, applied) => {
          if (await fetchWorkerTag(trx, tag.id)) throw conflict(`there is a worker tag with id ${tag.id} already; leave the id out to get a new one`);
          await refuseTakenName(trx, tag.name);
          if ((await countWorkerTags(trx)) >= MAX_WORKER_TAGS) {
            throw conflict(`the farm has ${MAX_WORKER_TAGS} worker tags, the most it can have; delete tags nobody uses first`);
          }
          await insertWorkerTag(trx, tag);
          applied.events.push(tagEvent(tag));
        }),
      );
      return apiWorkerTag(tag);
    },

    updateWorkerTag: async ({ params, body: input }) => {
      await refuseRacingTagNames(
        inTransaction(services, async (trx, applied) => {
          const existing = await existingTag(trx, params.tag_id);
          const tag = { id: existing.id, name: tagName(input.name), description: input.description ?? existing.description };
          await refuseTakenName(trx, tag.name, tag.id);
          await updateWorkerTag(trx, tag);
          applied.events.push(tagEvent(tag));
        }),
      );
    },

    deleteWorkerTag: async ({ params }) => {
      await inTransaction(services, async (trx, applied) => {
        const tag = await existingTag(trx, params.tag_id);
        await deleteWorkerTag(trx, tag.id);
        applied.events.push(tagEvent(tag, true));
      });
    },
  } satisfies OperationHandlers;
}

async function existingWorker(db: Database, id: string): Promise<WorkerRecord> {
  const worker = await fetchWorkerRecord(db, id);
  if (!worker) throw notFound(`there is no worker ${id}; GET /api/v3/worker-mgt/workers lists the workers there are`);
  return worker;
}

async function existingTag(db: Database, id: string): Promise<WorkerTagRecord> {
  const tag = await fetchWorkerTag(db, id);
  if (!tag) throw notFound(`there is no worker tag ${id}; GET /api/v3/worker-mgt/tags lists the tags there are`);
  return tag;
}

function tagName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw badRequest('a worker tag needs a name that is not only spaces');
  return trimmed;
}

async function refuseTakenName(db: Database, name: string, exceptId?: string): Promise<void> {
  const other = await fetchWorkerTagByName(db, name, exceptId);
  if (other) throw conflict(`the worker tag ${other.id} is called "${name}" already; choose another name`);
}

/** Two requests that pass the name check at once: the database's unique constraint stops the second. */
async function refuseRacingTagNames(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('another worker tag got this name or id at the same moment; choose another');
    throw error;
  }
}

function apiWorkerSummary(worker: WorkerRecord): Schema<'WorkerSummary'> {
  return {
    id: worker.id,
    name: worker.name,
    status: worker.status,
    ...(worker.request ? { status_change: { status: worker.request.status, is_lazy: worker.request.isLazy } } : {}),
    ...(worker.lastSeenAt ? { last_seen: worker.lastSeenAt } : {}),
    version: worker.software,
    can_restart: worker.canRestart,
    never_blocklist: worker.neverBlocklist,
  };
}

function apiWorker(worker: WorkerRecord, task: WorkerTaskRecord | undefined, tags: WorkerTagRecord[]): Schema<'Worker'> {
  return {
    ...apiWorkerSummary(worker),
    ip_address: worker.address,
    platform: worker.platform,
    supported_task_types: worker.supportedTaskTypes,
    ...(task ? { task: { ...apiTaskSummary(task), job_id: task.jobId, worker: { id: worker.id, name: worker.name, address: worker.address } } } : {}),
    tags: tags.map(apiWorkerTag),
  };
}

function apiWorkerTag(tag: WorkerTagRecord): Schema<'WorkerTag'> {
  return { id: tag.id, name: tag.name, ...(tag.description ? { description: tag.description } : {}) };
}

function workerEvent(worker: WorkerRecord): FarmEvent {
  return {
    type: 'worker',
    data: {
      id: worker.id,
      name: worker.name,
      updated: worker.updatedAt,
      ...(worker.lastSeenAt ? { last_seen: worker.lastSeenAt } : {}),
      status: worker.status,
      ...(worker.request ? { status_change: { status: worker.request.status, is_lazy: worker.request.isLazy } } : {}),
      version: worker.software,
      can_restart: worker.canRestart,
      ...(worker.deletedAt ? { deleted_at: worker.deletedAt } : {}),
    },
  };
}

function tagEvent(tag: WorkerTagRecord, wasDeleted = false): FarmEvent {
  return { type: 'worker-tag', data: { tag: apiWorkerTag(tag), ...(wasDeleted ? { was_deleted: true } : {}) } };
}
