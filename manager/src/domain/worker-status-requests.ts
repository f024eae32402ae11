import type { Effect, StatusChangeRequest } from './effects.ts';
import { listAlternatives, refuse } from './refusal.ts';
import type { Refusal } from './refusal.ts';
import { isWorkerStatus } from './statuses.ts';
import type { WorkerStatus } from './statuses.ts';

// A worker's status is what it last reported. People (and the sleep scheduler) ask for another
// status; the worker hears about it on its next contact and acknowledges by reporting the new
// status. A lazy request waits for the current task to end; an immediate one aborts it.

export interface WorkerState {
  readonly id: string;
  readonly name: string;
  readonly status: WorkerStatus;
  readonly request: StatusChangeRequest | null;
  /** The worker signed on saying it can restart itself (it has a restart exit code). */
  readonly canRestart: boolean;
}

/** The statuses people may send a worker to; `starting`, `error` and `testing` are not destinations. */
export const REQUESTABLE_WORKER_STATUSES: readonly WorkerStatus[] = ['awake', 'asleep', 'offline', 'restart'];

/** Statuses a worker returns to after a restart of its own, when nothing else was asked. */
const STATUSES_REMEMBERED_OVER_SIGN_OFF: readonly WorkerStatus[] = ['awake', 'asleep'];

/** Requests that signing off fulfils. */
const REQUESTS_FULFILLED_BY_SIGN_OFF: readonly WorkerStatus[] = ['offline', 'restart'];

export interface AcceptedStatusRequest {
  readonly kind: 'accepted';
  /** The pending request from now on; null when the request was for the current status. */
  readonly request: StatusChangeRequest | null;
  readonly effects: readonly Effect[];
}

/** A person asks for a worker status change (`setstatus`). */
export function decideWorkerStatusRequest(
  worker: WorkerState,
  requested: { readonly status: string; readonly isLazy: boolean },
): Refusal | AcceptedStatusRequest {
  if (!isWorkerStatus(requested.status) || !REQUESTABLE_WORKER_STATUSES.includes(requested.status)) {
    return refuse(400, `A worker can be asked to become ${listAlternatives(REQUESTABLE_WORKER_STATUSES)}, not "${requested.status}".`);
  }
  if (requested.status === 'restart' && !worker.canRestart) {
    return refuse(412, `Worker ${worker.name} cannot restart itself: it signed on without a restart exit code.`);
  }
  // Asking for the status the worker already has withdraws any earlier request.
  const request = requested.status === worker.status ? null : { status: requested.status, isLazy: requested.isLazy };
  return { kind: 'accepted', request, effects: [{ kind: 'set-worker-status-request', workerId: worker.id, request }] };
}

/** `GET /worker/state`: the status the worker should change to, or null (204) when none. */
export function pendingStatusChange(worker: WorkerState): WorkerStatus | null {
  return worker.request?.status ?? null;
}

export type TaskRequestAnswer =
  /** 423: the worker must change status first. */
  | { readonly kind: 'change-status-first'; readonly status: WorkerStatus }
  /** 409: only an awake worker gets tasks. */
  | { readonly kind: 'not-awake'; readonly message: string }
  /** Go on and choose a task (task-choice.ts). */
  | { readonly kind: 'may-get-task' };

/** `POST /worker/task`: may this worker get a task at all? A pending request wins over everything. */
export function answerTaskRequest(worker: WorkerState): TaskRequestAnswer {
  if (worker.request !== null) return { kind: 'change-status-first', status: worker.request.status };
  if (worker.status !== 'awake') {
    return { kind: 'not-awake', message: `Worker is ${worker.status}; only an awake worker gets tasks.` };
  }
  return { kind: 'may-get-task' };
}

export interface SignOnDecision {
  readonly effects: readonly Effect[];
  /** The status the worker is told to go to after starting up. */
  readonly initialStatus: WorkerStatus;
}

/**
 * A worker signs on at each start. It is `starting` until it reports otherwise, and goes to the
 * pending requested status, else to what its sleep schedule says (awake without a schedule).
 */
export function decideSignOn(worker: WorkerState, scheduledStatus: WorkerStatus = 'awake'): SignOnDecision {
  return {
    effects: [{ kind: 'set-worker-status', workerId: worker.id, from: worker.status, to: 'starting' }],
    initialStatus: worker.request?.status ?? scheduledStatus,
  };
}

/**
 * A worker signs off when it shuts down: it goes offline and its task goes back to the pool. If
 * it was awake or asleep and nobody asked for anything else, it returns to that status at its
 * next sign-on.
 */
export function decideSignOff(worker: WorkerState): { readonly effects: readonly Effect[] } {
  let request = worker.request;
  if (request !== null && REQUESTS_FULFILLED_BY_SIGN_OFF.includes(request.status)) request = null;
  if (request === null && STATUSES_REMEMBERED_OVER_SIGN_OFF.includes(worker.status)) {
    request = { status: worker.status, isLazy: false };
  }
  const effects: Effect[] = [{ kind: 'set-worker-status', workerId: worker.id, from: worker.status, to: 'offline' }];
  if (request !== worker.request) effects.push({ kind: 'set-worker-status-request', workerId: worker.id, request });
  effects.push({ kind: 'return-active-tasks-of-worker', workerId: worker.id, reason: 'the worker signed off' });
  return { effects };
}

export interface StateChangedDecision {
  readonly effects: readonly Effect[];
  /** Set when the worker went somewhere else than it was asked to (allowed, e.g. offline → starting → asleep). */
  readonly warning?: string;
}

/** `POST /worker/state-changed`: the worker reports its new status. */
export function decideStateChanged(worker: WorkerState, reported: WorkerStatus): StateChangedDecision {
  const effects: Effect[] = [{ kind: 'set-worker-status', workerId: worker.id, from: worker.status, to: reported }];
  let warning: string | undefined;
  if (worker.request !== null && worker.request.status !== reported) {
    warning = `Worker ${worker.name} changed to ${reported}, but was asked to become ${worker.request.status}; the request stays.`;
  } else if (worker.request !== null) {
    effects.push({ kind: 'set-worker-status-request', workerId: worker.id, request: null });
  }
  if (worker.status === 'awake' && reported !== 'awake') {
    effects.push({
      kind: 'return-active-tasks-of-worker',
      workerId: worker.id,
      reason: `worker ${worker.name} (${worker.id}) changed status to ${reported}`,
    });
  }
  return warning === undefined ? { effects } : { effects, warning };
}

/** Deleting a worker: its task goes back to the pool first; the storage layer then soft-deletes it. */
export function decideWorkerDeletion(worker: WorkerState): { readonly effects: readonly Effect[] } {
  return { effects: [{ kind: 'return-active-tasks-of-worker', workerId: worker.id, reason: 'the worker is being deleted' }] };
}
