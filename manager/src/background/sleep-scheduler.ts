// Keeps workers on their sleep schedules while the manager runs: soon after start-up and then
// every minute, each active schedule whose next check is due is looked at (domain:
// sleep-schedule.ts), the worker is asked to sleep or wake when it should, and the schedule's
// next check is stored. Saving a schedule applies it the same way (followSleepSchedule).

import type { Logger } from 'pino';
import { checkSleepSchedule, SLEEP_CHECK_SCHEDULE, type SleepSchedule } from '../domain/sleep-schedule.ts';
import type { StateMachineOptions } from '../domain/task-state-machine.ts';
import { applyEffects, type AppliedEffects } from '../storage/apply-effects.ts';
import type { Database } from '../storage/database.ts';
import { dueSleepSchedules, fetchSleepSchedule, saveSleepSchedule, setSleepScheduleNextCheck } from '../storage/sleep-schedules.ts';
import { inTransaction, type TransactionServices } from '../storage/transaction.ts';
import { fetchWorkerRecord, type WorkerRecord } from '../storage/worker-management.ts';

export interface SleepSchedulerServices extends TransactionServices {
  log: Logger;
  stateMachine: StateMachineOptions;
}

/** Schedules are wall-clock times of the manager's own time zone, as in Flamenco. */
export function managerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Schedules read at a time; a round goes on until none is due (at most MAX_BATCHES times). */
const BATCH_SIZE = 100;
const MAX_BATCHES = 1000;

/**
 * Inside the caller's transaction: asks the worker for what the schedule wants at `now` (if it
 * is not that already), and stores the schedule (when `save`) or just its next check.
 */
export async function followSleepSchedule(
  trx: Database,
  applied: AppliedEffects,
  worker: WorkerRecord,
  schedule: SleepSchedule,
  now: string,
  options: { timeZone: string; stateMachine: StateMachineOptions; save: boolean },
): Promise<void> {
  const check = checkSleepSchedule({ id: worker.id, status: worker.status, request: worker.request }, schedule, new Date(now), options.timeZone);
  const nextCheck = check.nextCheck.toISOString();
  if (options.save) await saveSleepSchedule(trx, worker.id, schedule, nextCheck);
  else await setSleepScheduleNextCheck(trx, worker.id, nextCheck);
  await applyEffects(trx, check.effects, now, options.stateMachine, applied);
}

export class SleepScheduler {
  readonly #services: SleepSchedulerServices;
  readonly #timeZone: string;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(services: SleepSchedulerServices, timeZone: string = managerTimeZone()) {
    this.#services = services;
    this.#timeZone = timeZone;
  }

  /** Checks soon after the start, then every minute, until stop(). */
  start(): void {
    this.#stopped = false;
    this.#schedule(SLEEP_CHECK_SCHEDULE.firstCheckAfterMs);
  }

  /** Stops checking; waits for a check under way to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: every due schedule is followed. Returns how many schedules were looked at. */
  async checkDueSchedules(): Promise<number> {
    let checked = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const now = this.#services.clock().toISOString();
      const due = await dueSleepSchedules(this.#services.db, now, BATCH_SIZE);
      for (const { workerId } of due) {
        await this.#checkOne(workerId);
        checked++;
      }
      if (due.length < BATCH_SIZE || this.#stopped) break;
    }
    return checked;
  }

  async #checkOne(workerId: string): Promise<void> {
    await inTransaction(this.#services, async (trx, applied, now) => {
      // Read again inside the transaction: the worker or schedule may have changed meanwhile.
      const worker = await fetchWorkerRecord(trx, workerId);
      const stored = await fetchSleepSchedule(trx, workerId);
      if (!worker || !stored || !stored.schedule.isActive) return;
      await followSleepSchedule(trx, applied, worker, stored.schedule, now, {
        timeZone: this.#timeZone,
        stateMachine: this.#services.stateMachine,
        save: false,
      });
    });
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.checkDueSchedules()
        .then(
          () => undefined,
          (error: unknown) => this.#services.log.error({ err: error }, 'sleep scheduler: checking schedules failed; trying again in a minute'),
        )
        .finally(() => {
          this.#running = undefined;
          this.#schedule(SLEEP_CHECK_SCHEDULE.intervalMs);
        });
    }, delayMs);
    this.#timer.unref();
  }
}
