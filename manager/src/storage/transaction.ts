// One decision, applied whole: the work runs in a transaction (reading state, deciding with the
// domain rules, applying effects); once it committed, the task log lines it produced are
// written and its events published.

import { timestamp, type Clock } from '../clock.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { TaskLogStore } from '../task-logs/task-log-store.ts';
import { emptyApplied, type AppliedEffects } from './apply-effects.ts';
import { isPostgres, type Database } from './database.ts';
import { lightSqliteTransaction } from './light-transaction.ts';
import { lightPostgresTransaction } from './pg-transaction.ts';

export interface TransactionServices {
  db: Database;
  clock: Clock;
  events: EventBus;
  taskLogs: TaskLogStore;
}

export async function inTransaction<T>(
  services: TransactionServices,
  work: (trx: Database, applied: AppliedEffects, now: string) => Promise<T>,
): Promise<T> {
  const applied = emptyApplied();
  const now = timestamp(services.clock);
  const run = (trx: Database) => work(trx, applied, now);
  let result: T;
  try {
    result = isPostgres(services.db) ? await lightPostgresTransaction(services.db, run) : await lightSqliteTransaction(services.db, run);
  } catch (error) {
    // The transaction's error is the one to report; a log write's failure is then moot.
    for (const write of applied.logWrites) write.catch(() => undefined);
    throw error;
  }
  await Promise.all(applied.logWrites);
  for (const { jobId, taskId, lines } of consecutiveLinesPerTask(applied.taskLogLines)) {
    await services.taskLogs.appendManagerLines(jobId, taskId, lines, now);
  }
  for (const event of applied.events) services.events.publish(event);
  return result;
}

/** Lines that follow each other in one task's log go there in one append (a task's first lines make its file). */
function consecutiveLinesPerTask(lines: AppliedEffects['taskLogLines']): { jobId: string; taskId: string; lines: string[] }[] {
  const runs: { jobId: string; taskId: string; lines: string[] }[] = [];
  for (const { jobId, taskId, line } of lines) {
    const last = runs.at(-1);
    if (last?.taskId === taskId && last.jobId === jobId) last.lines.push(line);
    else runs.push({ jobId, taskId, lines: [line] });
  }
  return runs;
}
