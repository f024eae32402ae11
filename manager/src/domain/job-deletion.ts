import { isJobActionAllowed } from './job-status-requests.ts';
import type { JobStatus } from './statuses.ts';

// Mass deletion for clean-ups: every job last updated at or before a moment goes. The moment is
// rounded up to the whole second, as Flamenco does, because clients show and send timestamps
// with less precision than the database stores.

export function massDeletionCutoff(lastUpdatedMax: Date): Date {
  const milliseconds = lastUpdatedMax.getTime();
  if (Number.isNaN(milliseconds)) throw new RangeError('mass deletion needs a valid date');
  return new Date(Math.ceil(milliseconds / 1000) * 1000);
}

/**
 * Whether mass deletion takes this job. Tablao only takes jobs a person could delete one by one,
 * so a clean-up never pulls a job from under a working worker (Flamenco takes every status).
 */
export function isMassDeletable(job: { readonly status: JobStatus; readonly updatedAt: Date }, cutoff: Date): boolean {
  return job.updatedAt.getTime() <= cutoff.getTime() && isJobActionAllowed('delete', job.status);
}
