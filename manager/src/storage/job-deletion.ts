// Deleting jobs: a job is first marked (`delete_requested_at`), then removed with everything the
// manager keeps for it — task rows (dependencies, failures, blocklist and status history go with
// them), task logs, last-rendered images, and its Shaman checkout when it has one. Rendered
// output is never touched.
//
// The mark is the to-do note: a deletion that was interrupted (a crash, a restart) is finished
// the next time the deleter runs, which is at start-up and after every deletion request.

import { lstat, readdir, realpath, rm, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { EventBus } from '../events/event-bus.ts';
import type { TaskLogStore } from '../task-logs/task-log-store.ts';
import { isPostgres, type Database } from './database.ts';
import { fetchJob, jobUpdateEvent, type JobRecord } from './jobs.ts';

/** Tasks removed per statement: short statements let other requests in between. */
const TASKS_PER_BATCH = 2000;
/** Jobs marked per statement. */
const JOBS_PER_BATCH = 500;

export interface JobDeletionServices {
  db: Database;
  events: EventBus;
  taskLogs: TaskLogStore;
  log: Logger;
  config: { dataDir: string; sharedStoragePath: string };
}

/** Where the last-rendered images of a job are kept. */
export function lastRenderedDir(dataDir: string, jobId: string): string {
  return join(dataDir, 'last-rendered', jobId);
}

/**
 * The folder of a Shaman checkout: `<shared storage>/jobs/<checkout id>`, or undefined when there
 * is no shared storage, no checkout, or an id that would point outside the checkouts folder.
 */
export function shamanCheckoutDir(sharedStoragePath: string, checkoutId: string | null): string | undefined {
  if (!sharedStoragePath || !checkoutId) return undefined;
  const root = resolve(sharedStoragePath, 'jobs');
  const dir = resolve(root, checkoutId);
  const inside = relative(root, dir);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return dir;
}

/**
 * The checkout folder that deleting this job would erase. Only a folder that looks like a Shaman
 * checkout qualifies — really inside the checkouts folder, holding nothing but folders and
 * symbolic links (Shaman links every file to its file store) — so that a stray checkout id can
 * never make the manager delete real files from shared storage.
 */
export async function shamanCheckoutToErase(config: JobDeletionServices['config'], job: Pick<JobRecord, 'shamanCheckoutId'>): Promise<string | undefined> {
  const dir = shamanCheckoutDir(config.sharedStoragePath, job.shamanCheckoutId);
  if (dir === undefined) return undefined;
  try {
    const [realRoot, realDir] = await Promise.all([realpath(resolve(config.sharedStoragePath, 'jobs')), realpath(dir)]);
    const inside = relative(realRoot, realDir);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  } catch {
    return undefined;
  }
  return (await holdsOnlyLinks(dir)) ? dir : undefined;
}

async function holdsOnlyLinks(dir: string): Promise<boolean> {
  try {
    if (!(await lstat(dir)).isDirectory()) return false;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) continue;
      if (!entry.isDirectory() || !(await holdsOnlyLinks(join(dir, entry.name)))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

export async function markJobsForDeletion(trx: Database, jobIds: readonly string[], now: string): Promise<void> {
  for (let i = 0; i < jobIds.length; i += JOBS_PER_BATCH) {
    await trx('jobs')
      .whereIn('id', jobIds.slice(i, i + JOBS_PER_BATCH))
      .update({ delete_requested_at: now, updated_at: now });
  }
}

/**
 * Id, status and last update of every job last updated at or before `cutoff` (ISO text). On
 * PostgreSQL the rows stay locked until the transaction ends, so none changes status meanwhile.
 */
export async function jobsLastUpdatedBy(trx: Database, cutoff: string): Promise<{ id: string; status: string; updatedAt: string }[]> {
  const query = trx('jobs').where('updated_at', '<=', cutoff).select('id', 'status', 'updated_at');
  if (isPostgres(trx)) query.forUpdate();
  const rows: { id: string; status: string; updated_at: string }[] = await query;
  return rows.map((row) => ({ id: row.id, status: row.status, updatedAt: row.updated_at }));
}

async function nextJobMarkedForDeletion(db: Database, skip: ReadonlySet<string>): Promise<string | undefined> {
  const row = await db('jobs')
    .whereNotNull('delete_requested_at')
    .whereNotIn('id', [...skip])
    .orderBy([{ column: 'delete_requested_at' }, { column: 'id' }])
    .first<{ id: string } | undefined>('id');
  return row?.id;
}

/** Removes the job's rows: its tasks a batch at a time, then the job itself. */
async function deleteJobRows(db: Database, jobId: string): Promise<void> {
  for (;;) {
    const batch = db('tasks').where('job_id', jobId).select('id').limit(TASKS_PER_BATCH);
    const deleted = await db('tasks').whereIn('id', batch).delete();
    if (deleted < TASKS_PER_BATCH) break;
  }
  await db('jobs').where('id', jobId).delete();
}

/** Deletes jobs that are marked for deletion, one at a time. One per manager. */
export class JobDeleter {
  readonly #services: JobDeletionServices;
  readonly #running = new Map<string, Promise<void>>();
  #draining: Promise<void> | undefined;
  #drainAgain = false;

  constructor(services: JobDeletionServices) {
    this.#services = services;
  }

  /** Deletes this marked job now; resolves once it is gone. */
  delete(jobId: string): Promise<void> {
    let running = this.#running.get(jobId);
    if (running === undefined) {
      running = this.#deleteJob(jobId).finally(() => this.#running.delete(jobId));
      this.#running.set(jobId, running);
    }
    return running;
  }

  /** Deletes every marked job, one after another, without making the caller wait. */
  deleteMarkedInBackground(): void {
    if (this.#draining !== undefined) {
      this.#drainAgain = true;
      return;
    }
    this.#draining = this.#drain()
      .catch((error: unknown) => this.#services.log.error({ err: error }, 'deleting the jobs marked for deletion stopped; the next deletion request resumes it'))
      .finally(() => {
        this.#draining = undefined;
      });
  }

  async #drain(): Promise<void> {
    const failed = new Set<string>();
    do {
      this.#drainAgain = false;
      for (let next = await nextJobMarkedForDeletion(this.#services.db, failed); next !== undefined; next = await nextJobMarkedForDeletion(this.#services.db, failed)) {
        try {
          await this.delete(next);
        } catch (error) {
          failed.add(next);
          this.#services.log.error({ err: error, job: next }, 'a job marked for deletion could not be deleted');
        }
      }
    } while (this.#drainAgain);
  }

  async #deleteJob(jobId: string): Promise<void> {
    const { db, events, taskLogs, log, config } = this.#services;
    const job = await fetchJob(db, jobId);
    if (job === undefined) return;
    // Files first: while the row exists, its mark still says that something is left to do.
    const checkout = await shamanCheckoutToErase(config, job);
    if (checkout !== undefined) {
      await rm(checkout, { recursive: true, force: true });
      // The folder above a checkout would stay behind empty; it goes when nothing else is in it.
      const parent = dirname(checkout);
      if (shamanCheckoutDir(config.sharedStoragePath, relative(resolve(config.sharedStoragePath, 'jobs'), parent))) {
        await rmdir(parent).catch(() => undefined);
      }
    }
    await taskLogs.deleteJob(jobId);
    await rm(lastRenderedDir(config.dataDir, jobId), { recursive: true, force: true });
    await deleteJobRows(db, jobId);
    log.info({ job: jobId, checkout }, 'job deleted');
    events.publish(jobUpdateEvent(job, { was_deleted: true }));
  }
}
