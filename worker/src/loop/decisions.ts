// What the worker does after each answer of the manager: pure functions of the reply, so that
// every rule of the loop is written once and tested without a manager.

import type { AssignedTask, Reply, WorkerStatus } from '../manager/manager-client.ts';

/** What a status the manager sends the worker to means for the worker. */
export type StatusAction = 'work' | 'sleep' | 'shut-down' | 'restart';

/**
 * `awake` works, `asleep` sleeps, `offline` shuts down, `restart` exits with the restart exit
 * code (or shuts down when the worker has none). Anything else (`starting`, `error`,
 * `testing`, a status this worker does not know) sleeps, as Flamenco's worker does.
 */
export function actionForStatus(status: string, canRestart: boolean): StatusAction {
  switch (status) {
    case 'awake':
      return 'work';
    case 'offline':
      return 'shut-down';
    case 'restart':
      return canRestart ? 'restart' : 'shut-down';
    default:
      return 'sleep';
  }
}

/** The status the worker reports when it follows `action`. */
export function statusForAction(action: StatusAction, requested: string): WorkerStatus {
  switch (action) {
    case 'work':
      return 'awake';
    case 'sleep':
      return 'asleep';
    case 'shut-down':
      return 'offline';
    case 'restart':
      return requested === 'restart' ? 'restart' : 'offline';
  }
}

export type AfterTaskRequest =
  | { readonly kind: 'run-task'; readonly task: AssignedTask }
  /** Nothing to do now: wait longer each time. */
  | { readonly kind: 'wait-for-work' }
  /** The manager is away or busy: wait, longer each time (at least retryAfterMs when it said so). */
  | { readonly kind: 'wait-for-manager'; readonly message: string; readonly retryAfterMs?: number }
  | { readonly kind: 'change-status'; readonly status: string }
  /** The manager thinks the worker is not awake (it timed out, or was set to error): say it is. */
  | { readonly kind: 'report-awake'; readonly message: string }
  /** The manager does not know these credentials (deleted worker, new database): register again. */
  | { readonly kind: 'register-again'; readonly message: string };

/** `POST /worker/task`: 200 run it, 204 wait, 423 change status, 409 say awake, 403 register. */
export function afterTaskRequest(reply: Reply<AssignedTask>): AfterTaskRequest {
  if (!reply.reachable) return { kind: 'wait-for-manager', message: reply.message };
  if (reply.status === 200 && reply.body !== undefined) return { kind: 'run-task', task: reply.body };
  if (reply.status === 204) return { kind: 'wait-for-work' };
  if (reply.status === 423) {
    const status = requestedStatusOf(reply.errorBody);
    if (status !== undefined) return { kind: 'change-status', status };
  }
  if (reply.status === 409) return { kind: 'report-awake', message: reply.message };
  if (reply.status === 403 || reply.status === 401) return { kind: 'register-again', message: reply.message };
  return {
    kind: 'wait-for-manager',
    message: `the manager answered ${reply.status} when asked for a task: ${reply.message}`,
    ...(reply.retryAfterMs === undefined ? {} : { retryAfterMs: reply.retryAfterMs }),
  };
}

export type AfterStateQuestion =
  | { readonly kind: 'stay' }
  | { readonly kind: 'change-status'; readonly status: string }
  | { readonly kind: 'register-again'; readonly message: string }
  | { readonly kind: 'manager-away'; readonly message: string };

/** `GET /worker/state`: 200 go to the status given, 204 stay. */
export function afterStateQuestion(reply: Reply<{ status_requested: WorkerStatus }>): AfterStateQuestion {
  if (!reply.reachable) return { kind: 'manager-away', message: reply.message };
  if (reply.status === 200 && reply.body?.status_requested !== undefined) return { kind: 'change-status', status: reply.body.status_requested };
  if (reply.status === 204) return { kind: 'stay' };
  if (reply.status === 403 || reply.status === 401) return { kind: 'register-again', message: reply.message };
  return { kind: 'manager-away', message: `the manager answered ${reply.status} when asked for the worker's status: ${reply.message}` };
}

/** What became of one task update sent to the manager. */
export type UpdateOutcome =
  | 'delivered'
  /** Not now (manager away, busy or failing): keep it and send it again later. */
  | 'retry-later'
  /** The task is no longer this worker's (409) or no longer exists (404): stop working on it, drop the update. */
  | 'task-gone'
  /** The manager does not know this worker's credentials: the update can never be delivered. */
  | 'unknown-worker'
  /** The manager refused the update itself (400, 413, …): sending it again would not help. */
  | 'refused';

export function classifyUpdateReply(reply: Reply): UpdateOutcome {
  if (!reply.reachable) return 'retry-later';
  const status = reply.status;
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 409 || status === 404) return 'task-gone';
  if (status === 403 || status === 401) return 'unknown-worker';
  if (status >= 500 || status === 429 || status === 408) return 'retry-later';
  return 'refused';
}

/** The may-i-run answer as a decision: only an explicit "no" stops a task; no answer at all counts as yes. */
export function mayKeepRunning(reply: Reply<{ mayKeepRunning: boolean; reason: string; statusChangeRequested: boolean }>):
  | { readonly keepRunning: true }
  | { readonly keepRunning: false; readonly reason: string; readonly statusChangeRequested: boolean } {
  if (!reply.reachable || reply.status !== 200 || reply.body === undefined || reply.body.mayKeepRunning) return { keepRunning: true };
  return {
    keepRunning: false,
    reason: reply.body.reason || (reply.body.statusChangeRequested ? 'the worker was asked to change its status' : 'the manager said no'),
    statusChangeRequested: reply.body.statusChangeRequested,
  };
}

function requestedStatusOf(body: unknown): string | undefined {
  const status = (body as { status_requested?: unknown } | null)?.status_requested;
  return typeof status === 'string' ? status : undefined;
}
