// Job operations: submit, check, read and list jobs and their tasks; what people do to jobs
// (status, priority, worker tag, deletion, blocklist); queries and the task graph; and, from
// tasks.ts, what people do to single tasks.

import type { SubmittedJob } from '@tablao/compiler';
import { isMassDeletable, massDeletionCutoff } from '../domain/job-deletion.ts';
import { decideJobPriorityChange } from '../domain/job-priority.ts';
import { decideJobDeletionRequest, decideJobStatusRequest, JOB_ACTIONS } from '../domain/job-status-requests.ts';
import { listAlternatives, plural } from '../domain/refusal.ts';
import type { JobStatus } from '../domain/statuses.ts';
import { badRequest, HttpError, notFound, unprocessable } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import { compileSubmission, submitJob } from '../jobs/submit-job.ts';
import { applyEffects } from '../storage/apply-effects.ts';
import { fetchJobBlocklist, removeFromJobBlocklist } from '../storage/blocklist.ts';
import type { Database } from '../storage/database.ts';
import { JobDeleter, jobsLastUpdatedBy, markJobsForDeletion, shamanCheckoutToErase } from '../storage/job-deletion.ts';
import { queryJobs, queryJobTasks } from '../storage/job-queries.ts';
import { loadJobSnapshot } from '../storage/job-snapshot.ts';
import {
  fetchJob,
  fetchJobs,
  fetchJobsByIds,
  fetchJobTasks,
  findWorkerTagId,
  isStorableText,
  jobExists,
  jobUpdateEvent,
  lockJob,
  updateJobPriority,
  updateJobWorkerTag,
  type JobRecord,
} from '../storage/jobs.ts';
import { fetchJobGraph } from '../storage/tasks.ts';
import { inTransaction } from '../storage/transaction.ts';
import { apiJob } from './api-shapes.ts';
import type { ManagerServices } from './context.ts';
import { apiTaskSummaryWithWorker, refuseUnstorableText, taskHandlers } from './tasks.ts';
import { submissionWithVariables } from './variables.ts';

/** Jobs whose mark events are built per query during a mass deletion. */
const EVENT_BATCH = 500;

export function jobHandlers(services: ManagerServices) {
  const deleter = new JobDeleter(services);
  const withVariables = submissionWithVariables(services);
  // Finishes deletions that a stop of the manager interrupted.
  deleter.deleteMarkedInBackground();

  /** The job, locked for the rest of the transaction; 404 when there is none. */
  async function lockedJob(trx: Database, jobId: string): Promise<JobRecord> {
    await lockJob(trx, jobId);
    const job = await fetchJob(trx, jobId);
    if (!job) throw notFound(`there is no job ${jobId}`);
    return job;
  }

  async function existingJob(jobId: string): Promise<JobRecord> {
    const job = await fetchJob(services.db, jobId);
    if (!job) throw notFound(`there is no job ${jobId}`);
    return job;
  }

  async function mustExist(jobId: string): Promise<void> {
    if (!(await jobExists(services.db, jobId))) throw notFound(`there is no job ${jobId}`);
  }

  return {
    // Tasks are part of what people do to jobs: one group, registered once.
    ...taskHandlers(services),

    submitJob: async ({ body }) => {
      refuseUnstorableSubmission(body);
      return apiJob(await submitJob(services, withVariables(body)));
    },

    submitJobCheck: async ({ body }) => {
      refuseUnstorableSubmission(body);
      await compileSubmission(services, withVariables(body), '00000000-0000-4000-8000-000000000000');
      return Reply.withoutBody(204);
    },

    fetchJob: async ({ params }) => {
      const job = await existingJob(params.job_id);
      return { ...apiJob(job), ...(job.compileLog.length > 0 ? { compile_log: job.compileLog } : {}) };
    },

    fetchJobs: async ({ query }) => {
      const { jobs, total } = await fetchJobs(services.db, {
        offset: query.offset ?? 0,
        limit: query.limit ?? 1000,
      });
      return new Reply(200, { jobs: jobs.map(apiJob) }, { 'X-Total-Count': String(total) });
    },

    fetchJobTasks: async ({ params, query }) => {
      const jobId = params.job_id;
      await mustExist(jobId);
      const { tasks, total } = await fetchJobTasks(services.db, jobId, {
        offset: query.offset ?? 0,
        limit: query.limit ?? 100_000,
      });
      return new Reply(200, { tasks: tasks.map(apiTaskSummaryWithWorker) }, { 'X-Total-Count': String(total) });
    },

    setJobStatus: async ({ params, body: change }) => {
      const jobId = params.job_id;
      if (change.requeue_tasks !== undefined && change.status !== 'requeueing') {
        throw badRequest(`requeue_tasks goes only with status requeueing; leave it out when asking for ${change.status}`);
      }
      refuseUnstorableText({ reason: change.reason });
      await inTransaction(services, async (trx, applied, now) => {
        await lockJob(trx, jobId);
        const job = await loadJobSnapshot(trx, jobId);
        if (!job) throw notFound(`there is no job ${jobId}`);
        const decision = decideJobStatusRequest(job, { status: change.status, reason: change.reason, requeueScope: change.requeue_tasks });
        if (decision.kind === 'refused') throw new HttpError(decision.httpStatus, decision.message);
        await applyEffects(trx, decision.effects, now, services.stateMachine, applied);
      });
    },

    setJobPriority: async ({ params, body }) => {
      const jobId = params.job_id;
      const { priority } = body;
      await inTransaction(services, async (trx, applied, now) => {
        const job = await lockedJob(trx, jobId);
        const decision = decideJobPriorityChange({ status: job.status }, priority);
        if (decision.kind === 'refused') throw new HttpError(decision.httpStatus, decision.message);
        await updateJobPriority(trx, jobId, decision.priority, now);
        applied.events.push(jobUpdateEvent({ ...job, priority: decision.priority, updatedAt: now }));
      });
    },

    setJobTag: async ({ params, body: tag }) => {
      const jobId = params.job_id;
      await inTransaction(services, async (trx, applied, now) => {
        const job = await lockedJob(trx, jobId);
        let tagId: string | null = null;
        if (tag.id !== undefined || tag.name !== undefined) {
          // A name the database cannot hold cannot be a tag's name (nor be looked up on PostgreSQL).
          tagId = tag.name !== undefined && !isStorableText(tag.name) ? null : ((await findWorkerTagId(trx, tag)) ?? null);
          if (tagId === null) {
            const which = tag.id !== undefined ? `id ${tag.id}` : `name "${tag.name}"`;
            throw unprocessable(`no worker tag has the ${which}; GET /api/v3/worker-mgt/tags lists the tags, and an empty object removes the job's tag`);
          }
        }
        await updateJobWorkerTag(trx, jobId, tagId, now);
        applied.events.push(jobUpdateEvent({ ...job, workerTagId: tagId, updatedAt: now }));
      });
    },

    deleteJobWhatWouldItDo: async ({ params }) => {
      const job = await existingJob(params.job_id);
      return { shaman_checkout: (await shamanCheckoutToErase(services.config, job)) !== undefined };
    },

    deleteJob: async ({ params }) => {
      const jobId = params.job_id;
      await inTransaction(services, async (trx, applied, now) => {
        const job = await lockedJob(trx, jobId);
        const decision = decideJobDeletionRequest({ status: job.status });
        if (decision.kind === 'refused') throw new HttpError(decision.httpStatus, decision.message);
        await markJobsForDeletion(trx, [jobId], now);
        applied.events.push(jobUpdateEvent({ ...job, deleteRequestedAt: now, updatedAt: now }));
      });
      await deleter.delete(jobId);
    },

    deleteJobMass: async ({ body }) => {
      const cutoff = massDeletionCutoff(new Date(body.last_updated_max));
      const { marked, updatedBy } = await inTransaction(services, async (trx, applied, now) => {
        const candidates = await jobsLastUpdatedBy(trx, cutoff.toISOString());
        const ids = candidates
          .filter((job) => isMassDeletable({ status: job.status as JobStatus, updatedAt: new Date(job.updatedAt) }, cutoff))
          .map((job) => job.id);
        await markJobsForDeletion(trx, ids, now);
        for (let i = 0; i < ids.length; i += EVENT_BATCH) {
          for (const job of await fetchJobsByIds(trx, ids.slice(i, i + EVENT_BATCH))) applied.events.push(jobUpdateEvent(job));
        }
        return { marked: ids.length, updatedBy: candidates.length };
      });
      if (marked === 0) {
        const deletable = listAlternatives(JOB_ACTIONS.delete.allowedFrom);
        throw new HttpError(
          416,
          updatedBy === 0
            ? `no job was last updated at or before ${cutoff.toISOString()}; pick a later time`
            : `${plural(updatedBy, 'job')} ${updatedBy === 1 ? 'was' : 'were'} last updated at or before ${cutoff.toISOString()}, ` +
              `but none can be deleted: only ${deletable} jobs can. Cancel or pause the others first.`,
        );
      }
      deleter.deleteMarkedInBackground();
    },

    fetchJobBlocklist: async ({ params }) => {
      const jobId = params.job_id;
      await mustExist(jobId);
      const entries = await fetchJobBlocklist(services.db, jobId);
      return entries.map((entry) => ({ worker_id: entry.workerId, worker_name: entry.workerName, task_type: entry.taskType }));
    },

    removeJobBlocklist: async ({ params, body: entries }) => {
      const jobId = params.job_id;
      await mustExist(jobId);
      await removeFromJobBlocklist(
        services.db,
        jobId,
        // A task type the database cannot hold is on no blocklist.
        entries.filter((entry) => isStorableText(entry.task_type)).map((entry) => ({ workerId: entry.worker_id, taskType: entry.task_type })),
      );
    },

    queryJobs: async ({ body: query }) => {
      for (const [name, filter] of [['metadata', query.metadata ?? {}], ['settings', query.settings ?? {}]] as const) {
        for (const [key, value] of Object.entries(filter)) {
          refuseUnstorableText({ [`${name} key`]: key, [`${name}.${key}`]: typeof value === 'string' ? value : undefined });
        }
      }
      const { jobs, total } = await queryJobs(services.db, {
        offset: query.offset ?? 0,
        limit: query.limit ?? 100,
        orderBy: query.order_by ?? [],
        statusIn: query.status_in ?? [],
        metadata: query.metadata ?? {},
        settings: query.settings ?? {},
      });
      return { jobs: jobs.map(apiJob), total };
    },

    queryJobTasks: async ({ params, body: query }) => {
      const jobId = params.job_id;
      await mustExist(jobId);
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 100;
      const { tasks, total } = await queryJobTasks(services.db, jobId, { offset, limit, statusIn: query.status_in ?? [] });
      return { tasks: tasks.map(apiTaskSummaryWithWorker), total, offset, limit };
    },

    fetchJobGraph: async ({ params }) => {
      const jobId = params.job_id;
      await mustExist(jobId);
      const graph = await fetchJobGraph(services.db, jobId);
      return {
        job_id: jobId,
        nodes: graph.nodes.map((node) => ({ id: node.id, name: node.name, task_type: node.taskType, status: node.status, index_in_job: node.indexInJob })),
        edges: graph.edges,
      };
    },
  } satisfies OperationHandlers;
}

/** The submission's plain-text fields must fit the database (settings and metadata are kept as JSON). */
function refuseUnstorableSubmission(job: SubmittedJob): void {
  refuseUnstorableText({
    name: job.name,
    type_etag: job.type_etag,
    submitter_platform: job.submitter_platform,
    'storage.shaman_checkout_id': job.storage?.shaman_checkout_id,
  });
}
