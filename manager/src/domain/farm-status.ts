import type { JobStatus, WorkerStatus } from './statuses.ts';

// One word for the whole farm, shown in the web UI's status bar (Flamenco's farmstatus).

export const FARM_STATUSES = ['active', 'idle', 'waiting', 'asleep', 'inoperative', 'unknown', 'starting'] as const;
export type FarmStatus = (typeof FARM_STATUSES)[number];

/** The status before the first look at the farm. */
export const INITIAL_FARM_STATUS: FarmStatus = 'starting';

/** Look soon after starting, then every 30 s, and whenever a job or worker changes status. */
export const FARM_STATUS_POLL = { firstCheckAfterMs: 1_000, intervalMs: 30_000 } as const;

export type WorkerStatusCounts = Readonly<Partial<Record<WorkerStatus, number>>>;
export type JobStatusCounts = Readonly<Partial<Record<JobStatus, number>>>;

/**
 * The farm status from the number of workers (not deleted) and jobs in each status:
 * - inoperative: no workers, or all of them offline or in error;
 * - active: a job is active and a worker is awake;
 * - waiting: there is work (a queued or active job) but no worker is working on it;
 * - asleep: no work, no worker awake, some asleep;
 * - idle: no work.
 * (`unknown` exists in the API for combinations these rules miss; they miss none.)
 */
export function farmStatus(workers: WorkerStatusCounts, jobs: JobStatusCounts): FarmStatus {
  const workerStatuses = (Object.keys(workers) as WorkerStatus[]).filter((status) => (workers[status] ?? 0) > 0);
  if (workerStatuses.every((status) => status === 'offline' || status === 'error')) return 'inoperative';

  const anyJobActive = (jobs.active ?? 0) > 0;
  const workAvailable = anyJobActive || (jobs.queued ?? 0) > 0;
  const anyWorkerAwake = (workers.awake ?? 0) > 0;
  const anyWorkerAsleep = (workers.asleep ?? 0) > 0;

  if (anyJobActive && anyWorkerAwake) return 'active';
  if (workAvailable) return 'waiting';
  if (!anyWorkerAwake && anyWorkerAsleep) return 'asleep';
  return 'idle';
}

/** Whether an update about a job or worker may change the farm status: only a status change can. */
export function mayChangeFarmStatus(update: { readonly previousStatus?: string; readonly status: string }): boolean {
  return update.previousStatus !== undefined && update.previousStatus !== update.status;
}
