// What a person may ask of a job in each status — the manager's transition table (farm.md),
// so the studio offers only actions that will be accepted.

import type { Schema } from '@tablao/api-client';

export type JobStatus = Schema<'JobStatus'>;
export type JobAction = 'cancel' | 'pause' | 'requeue' | 'delete';

const ALLOWED_FROM: Record<JobAction, JobStatus[]> = {
  cancel: ['active', 'failed', 'paused', 'pause-requested', 'queued'],
  pause: ['active', 'canceled', 'queued'],
  requeue: ['canceled', 'completed', 'failed', 'paused'],
  delete: ['canceled', 'completed', 'failed', 'paused', 'queued'],
};

/** The status `setJobStatus` is sent for an action (delete has its own operation). */
export const REQUESTED_STATUS: Record<Exclude<JobAction, 'delete'>, JobStatus> = {
  cancel: 'cancel-requested',
  pause: 'pause-requested',
  requeue: 'requeueing',
};

export function actionAllowed(action: JobAction, status: JobStatus): boolean {
  return ALLOWED_FROM[action].includes(status);
}

/** Priority can be changed while a job waits or runs. */
export function priorityEditable(status: JobStatus): boolean {
  return status === 'queued' || status === 'active';
}

/** Of the selected jobs, those the action applies to. */
export function jobsForAction<J extends { status: JobStatus }>(action: JobAction, jobs: J[]): J[] {
  return jobs.filter((job) => actionAllowed(action, job.status));
}

export const JOB_STATUSES: JobStatus[] = [
  'active', 'queued', 'paused', 'pause-requested', 'completed', 'failed', 'canceled', 'cancel-requested', 'requeueing', 'under-construction',
];

export function progressPercent(completed: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.round((completed / total) * 100));
}
