import type { Effect } from './effects.ts';
import { listAlternatives, refuse } from './refusal.ts';
import type { Refusal } from './refusal.ts';
import { isJobStatus, JOB_STATUSES } from './statuses.ts';
import type { JobStatus } from './statuses.ts';
import { changeJobStatus } from './task-state-machine.ts';
import type { JobSnapshot, RequeueScope } from './task-state-machine.ts';

// What people may do to a job, and from which statuses (Flamenco's web UI rules; Flamenco's API
// itself accepts anything). A refused request gets a message naming what is possible instead.

export type JobAction = 'cancel' | 'pause' | 'requeue' | 'delete';

export interface JobActionRule {
  /** The status a `setstatus` request asks for to start this action; null for deletion. */
  readonly requestedStatus: JobStatus | null;
  readonly allowedFrom: readonly JobStatus[];
  /** "A completed job can be requeued", for messages. */
  readonly participle: string;
}

export const JOB_ACTIONS: Readonly<Record<JobAction, JobActionRule>> = {
  cancel: {
    requestedStatus: 'cancel-requested',
    allowedFrom: ['active', 'failed', 'paused', 'pause-requested', 'queued'],
    participle: 'canceled',
  },
  pause: { requestedStatus: 'pause-requested', allowedFrom: ['active', 'canceled', 'queued'], participle: 'paused' },
  requeue: {
    requestedStatus: 'requeueing',
    allowedFrom: ['canceled', 'completed', 'failed', 'paused'],
    participle: 'requeued',
  },
  delete: { requestedStatus: null, allowedFrom: ['canceled', 'completed', 'failed', 'paused', 'queued'], participle: 'deleted' },
};

const ACTION_ORDER: readonly JobAction[] = ['cancel', 'pause', 'requeue', 'delete'];

export function isJobActionAllowed(action: JobAction, status: JobStatus): boolean {
  return JOB_ACTIONS[action].allowedFrom.includes(status);
}

export function possibleJobActions(status: JobStatus): JobAction[] {
  return ACTION_ORDER.filter((action) => isJobActionAllowed(action, status));
}

/** The action a `setstatus` request for this status starts, if any. */
export function jobActionRequestingStatus(status: string): JobAction | undefined {
  return ACTION_ORDER.find((action) => JOB_ACTIONS[action].requestedStatus === status);
}

/** "A completed job can be requeued or deleted." */
export function describePossibleJobActions(status: JobStatus): string {
  const participles = possibleJobActions(status).map((action) => JOB_ACTIONS[action].participle);
  if (participles.length === 0) return `Nothing can be done to a job that is ${status}; wait until it settles.`;
  return `A job that is ${status} can be ${listAlternatives(participles)}.`;
}

export interface JobStatusRequest {
  readonly status: string;
  /** The person's reason; recorded with the change. */
  readonly reason?: string;
  /** Only for `requeueing`; defaults to 'unfinished'. */
  readonly requeueScope?: RequeueScope;
}

export interface AcceptedJobStatusRequest {
  readonly kind: 'accepted';
  readonly action: JobAction;
  readonly effects: readonly Effect[];
  readonly job: JobSnapshot;
}

export function decideJobStatusRequest(job: JobSnapshot, request: JobStatusRequest): Refusal | AcceptedJobStatusRequest {
  if (!isJobStatus(request.status)) {
    return refuse(400, `"${request.status}" is not a job status; the job statuses are ${JOB_STATUSES.join(', ')}.`);
  }
  const action = jobActionRequestingStatus(request.status);
  if (action === undefined) {
    const requestable = ACTION_ORDER.flatMap((each) => JOB_ACTIONS[each].requestedStatus ?? []);
    return refuse(
      409,
      `A job cannot be set to ${request.status} on request; the manager sets that status itself. ` +
        `Request ${listAlternatives(requestable)} instead.`,
    );
  }
  const refusal = refuseUnlessAllowed(action, job.status);
  if (refusal !== undefined) return refusal;

  const reason = request.reason?.trim() || `${action} requested`;
  const change = changeJobStatus(job, request.status, reason, { requeueScope: request.requeueScope ?? 'unfinished' });
  const effects: Effect[] = [...change.effects];
  if (action === 'requeue') {
    // A fresh start: earlier failures must not keep workers away from the job's tasks.
    effects.push({ kind: 'clear-job-failures', jobId: job.id }, { kind: 'clear-job-blocklist', jobId: job.id });
  }
  return { kind: 'accepted', action, effects, job: change.job };
}

/** Deleting a job: the storage layer marks it for deletion and removes it with its tasks, logs and images. */
export function decideJobDeletionRequest(job: { readonly status: JobStatus }): Refusal | { readonly kind: 'accepted' } {
  return refuseUnlessAllowed('delete', job.status) ?? { kind: 'accepted' };
}

export type InitialJobStatus = 'queued' | 'paused';

/** A submitted job starts queued, or paused when the submitter asks for that (the add-on's "submit paused"). */
export function decideInitialJobStatus(
  requested: string | undefined,
): Refusal | { readonly kind: 'accepted'; readonly status: InitialJobStatus } {
  if (requested === undefined || requested === '' || requested === 'queued') return { kind: 'accepted', status: 'queued' };
  if (requested === 'paused') return { kind: 'accepted', status: 'paused' };
  return refuse(400, `A job can be submitted as queued or paused, not as "${requested}".`);
}

function refuseUnlessAllowed(action: JobAction, status: JobStatus): Refusal | undefined {
  if (isJobActionAllowed(action, status)) return undefined;
  return refuse(409, `Cannot ${action} this job: it is ${status}. ${describePossibleJobActions(status)}`);
}
