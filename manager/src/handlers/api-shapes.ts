// Stored records → the API's JSON shapes (Flamenco's field names).

import type { Schema } from '@tablao/api-client';
import type { JobRecord, TaskSummaryRecord } from '../storage/jobs.ts';
import { settingsJson } from './script-values.ts';

export function apiJob(job: JobRecord): Schema<'Job'> {
  return {
    id: job.id,
    name: job.name,
    type: job.jobType,
    type_etag: job.jobTypeEtag,
    priority: job.priority,
    settings: settingsJson(job.settings),
    metadata: job.metadata,
    submitter_platform: job.submitterPlatform,
    ...(job.shamanCheckoutId ? { storage: { shaman_checkout_id: job.shamanCheckoutId } } : {}),
    ...(job.workerTagId ? { worker_tag: job.workerTagId } : {}),
    created: job.createdAt,
    updated: job.updatedAt,
    status: job.status,
    activity: job.activity,
    steps_completed: job.stepsCompleted,
    steps_total: job.stepsTotal,
    ...(job.deleteRequestedAt ? { delete_requested_at: job.deleteRequestedAt } : {}),
    ...(job.jobTypeVersion !== null ? { type_version: job.jobTypeVersion } : {}),
  };
}

/** A task without its worker (see apiTaskSummaryWithWorker in tasks.ts). */
export function apiTaskSummary(task: Omit<TaskSummaryRecord, 'workerId' | 'worker'>): Schema<'TaskSummary'> {
  return {
    id: task.id,
    name: task.name,
    status: task.status,
    index_in_job: task.indexInJob,
    priority: task.priority,
    task_type: task.taskType,
    updated: task.updated,
    steps_completed: task.stepsCompleted,
    steps_total: task.stepsTotal,
  };
}
