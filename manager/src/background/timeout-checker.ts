// Notices silence while the manager runs (domain: timeouts.ts): a worker not heard from for a
// minute goes to `error` and its task back to the queue; a task without an update for ten
// minutes counts as a failure by its worker. Workers come first, so that the task of a worker
// that is gone is simply given back instead of being counted against it.

import type { Logger } from 'pino';
import { decideTaskTimeout, decideWorkerTimeout, DEFAULT_TIMEOUT_SETTINGS, isTaskTimedOut, isWorkerTimedOut, TIMEOUT_CHECK_SCHEDULE } from '../domain/timeouts.ts';
import type { TimeoutSettings } from '../domain/timeouts.ts';
import { DEFAULT_FAILURE_SETTINGS } from '../domain/task-failure.ts';
import type { TaskStatus, WorkerStatus } from '../domain/statuses.ts';
import type { StateMachineOptions } from '../domain/task-state-machine.ts';
import { applyEffects } from '../storage/apply-effects.ts';
import { loadTaskFailure, lockJob, lockJobsOfActiveTasks, retryOnTransientConflict } from '../storage/task-updates.ts';
import { inTransaction, type TransactionServices } from '../storage/transaction.ts';

export interface TimeoutCheckerServices extends TransactionServices {
  log: Logger;
  stateMachine: StateMachineOptions;
}

export interface TimeoutCheckerOptions {
  settings?: TimeoutSettings;
  /** When to look; Flamenco's: 5 minutes after start (workers reconnect first), then every minute. */
  schedule?: { firstCheckAfterMs: number; intervalMs: number };
}

/** Items looked at per round; the next round takes the rest. */
const BATCH_SIZE = 1000;

export interface TimeoutRound {
  workersTimedOut: number;
  tasksTimedOut: number;
}

export class TimeoutChecker {
  readonly #services: TimeoutCheckerServices;
  readonly #settings: TimeoutSettings;
  readonly #schedule: { firstCheckAfterMs: number; intervalMs: number };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(services: TimeoutCheckerServices, options: TimeoutCheckerOptions = {}) {
    this.#services = services;
    this.#settings = options.settings ?? DEFAULT_TIMEOUT_SETTINGS;
    this.#schedule = options.schedule ?? TIMEOUT_CHECK_SCHEDULE;
  }

  start(): void {
    this.#stopped = false;
    this.#next(this.#schedule.firstCheckAfterMs);
  }

  /** Stops checking; waits for a round under way to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: every timed-out worker, then every timed-out task. */
  async checkNow(): Promise<TimeoutRound> {
    const nowMs = this.#services.clock().getTime();
    let workersTimedOut = 0;
    let tasksTimedOut = 0;
    if (this.#settings.workerTimeoutMs > 0) {
      for (const workerId of await this.#silentWorkers(nowMs)) {
        if (this.#stopped) break;
        if (await this.#timeOutWorker(workerId)) workersTimedOut++;
      }
    }
    if (this.#settings.taskTimeoutMs > 0) {
      for (const taskId of await this.#untouchedTasks(nowMs)) {
        if (this.#stopped) break;
        if (await this.#timeOutTask(taskId)) tasksTimedOut++;
      }
    }
    return { workersTimedOut, tasksTimedOut };
  }

  /** Candidates only: the domain decides, again, inside each worker's transaction. */
  async #silentWorkers(nowMs: number): Promise<string[]> {
    const cutoff = new Date(nowMs - this.#settings.workerTimeoutMs).toISOString();
    const rows: { id: string }[] = await this.#services
      .db('workers')
      .whereNull('deleted_at')
      .whereNotIn('status', ['error', 'offline'])
      .where('last_seen_at', '<=', cutoff)
      .orderBy('id')
      .limit(BATCH_SIZE)
      .select('id');
    return rows.map((row) => row.id);
  }

  async #untouchedTasks(nowMs: number): Promise<string[]> {
    const cutoff = new Date(nowMs - this.#settings.taskTimeoutMs).toISOString();
    const rows: { id: string }[] = await this.#services
      .db('tasks')
      .where('status', 'active')
      .where((q) => q.whereNull('last_touched_at').orWhere('last_touched_at', '<=', cutoff))
      .orderBy('id')
      .limit(BATCH_SIZE)
      .select('id');
    return rows.map((row) => row.id);
  }

  async #timeOutWorker(workerId: string): Promise<boolean> {
    return retryOnTransientConflict(() =>
      inTransaction(this.#services, async (trx, applied, now) => {
        const worker = await trx('workers')
          .where('id', workerId)
          .first<{ id: string; name: string; status: WorkerStatus; deleted_at: string | null; last_seen_at: string | null } | undefined>(
            'id',
            'name',
            'status',
            'deleted_at',
            'last_seen_at',
          );
        if (!worker) return false;
        const seen = { status: worker.status, deleted: worker.deleted_at !== null, lastSeenAt: worker.last_seen_at === null ? null : Date.parse(worker.last_seen_at) };
        if (!isWorkerTimedOut(seen, Date.parse(now), this.#settings)) return false;
        this.#services.log.warn({ worker: worker.id, name: worker.name, lastSeen: worker.last_seen_at }, 'worker timed out; its task goes back to the queue');
        await lockJobsOfActiveTasks(trx, worker.id);
        await applyEffects(trx, decideWorkerTimeout(worker).effects, now, this.#services.stateMachine, applied);
        return true;
      }),
    );
  }

  async #timeOutTask(taskId: string): Promise<boolean> {
    return retryOnTransientConflict(() =>
      inTransaction(this.#services, async (trx, applied, now) => {
        const jobId = (await trx('tasks').where('id', taskId).first<{ job_id: string } | undefined>('job_id'))?.job_id;
        if (jobId === undefined) return false;
        await lockJob(trx, jobId);
        const task = await trx('tasks')
          .where('id', taskId)
          .first<{ id: string; status: TaskStatus; type: string; worker_id: string | null; last_touched_at: string | null } | undefined>(
            'id',
            'status',
            'type',
            'worker_id',
            'last_touched_at',
          );
        if (!task) return false;
        const lastTouchedAt = task.last_touched_at === null ? null : Date.parse(task.last_touched_at);
        if (!isTaskTimedOut({ status: task.status, lastTouchedAt }, Date.parse(now), this.#settings)) return false;
        const workerRow =
          task.worker_id === null
            ? undefined
            : await trx('workers').where('id', task.worker_id).first<{ id: string; name: string; never_blocklist: boolean | number } | undefined>('id', 'name', 'never_blocklist');
        const worker = workerRow ? { id: workerRow.id, name: workerRow.name, neverBlocklist: Boolean(workerRow.never_blocklist) } : null;
        const failure = await loadTaskFailure(trx, { jobId, task, worker });
        const decision = decideTaskTimeout({ ...failure, lastTouchedAt }, { ...DEFAULT_FAILURE_SETTINGS, failJobAtFailedPercent: this.#services.stateMachine.failJobAtFailedPercent });
        this.#services.log.warn({ task: task.id, job: jobId, worker: worker?.id, verdict: decision.verdict }, 'task timed out');
        await applyEffects(trx, decision.effects, now, this.#services.stateMachine, applied);
        return true;
      }),
    );
  }

  #next(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.checkNow()
        .then(
          () => undefined,
          (error: unknown) => this.#services.log.error({ err: error }, 'timeout checker: a round failed; trying again at the next one'),
        )
        .finally(() => {
          this.#running = undefined;
          this.#next(this.#schedule.intervalMs);
        });
    }, delayMs);
    this.#timer.unref();
  }
}
