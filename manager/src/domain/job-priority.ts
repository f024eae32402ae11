import { refuse } from './refusal.ts';
import type { Refusal } from './refusal.ts';
import type { JobStatus } from './statuses.ts';

// A job's priority: a whole number from 0 to 100, higher runs first. People may change it while
// the job waits or runs; afterwards it no longer matters.

export const MIN_JOB_PRIORITY = 0;
export const MAX_JOB_PRIORITY = 100;
export const DEFAULT_JOB_PRIORITY = 50;

export const PRIORITY_CHANGEABLE_JOB_STATUSES: readonly JobStatus[] = ['queued', 'active'];

export function checkJobPriority(priority: number): Refusal | undefined {
  if (!Number.isInteger(priority) || priority < MIN_JOB_PRIORITY || priority > MAX_JOB_PRIORITY) {
    return refuse(400, `A job priority is a whole number from ${MIN_JOB_PRIORITY} to ${MAX_JOB_PRIORITY} (higher runs first), not ${priority}.`);
  }
  return undefined;
}

export function decideJobPriorityChange(
  job: { readonly status: JobStatus },
  priority: number,
): Refusal | { readonly kind: 'accepted'; readonly priority: number } {
  const invalid = checkJobPriority(priority);
  if (invalid !== undefined) return invalid;
  if (!PRIORITY_CHANGEABLE_JOB_STATUSES.includes(job.status)) {
    return refuse(409, `The priority of a job can be changed while it is queued or active; this job is ${job.status}.`);
  }
  return { kind: 'accepted', priority };
}
