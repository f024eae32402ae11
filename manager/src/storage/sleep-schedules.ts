// Workers' sleep schedules, one per worker, with the moment the scheduler should look at each
// again. Times of day are stored as "HH:MM" text, "" meaning the start or end of the day.

import { formatTimeOfDay, parseTimeOfDay, type SleepSchedule } from '../domain/sleep-schedule.ts';
import type { Database } from './database.ts';

interface ScheduleRow {
  worker_id: string;
  is_active: boolean | number;
  days_of_week: string;
  start_time: string;
  end_time: string;
  next_check: string | null;
}

const SCHEDULE_COLUMNS = ['worker_id', 'is_active', 'days_of_week', 'start_time', 'end_time', 'next_check'];

export interface StoredSleepSchedule {
  workerId: string;
  schedule: SleepSchedule;
  /** ISO time; null means "check at the next round". */
  nextCheck: string | null;
}

function scheduleFromRow(row: ScheduleRow): StoredSleepSchedule {
  const start = parseTimeOfDay(row.start_time);
  const end = parseTimeOfDay(row.end_time);
  return {
    workerId: row.worker_id,
    schedule: {
      isActive: Boolean(row.is_active),
      daysOfWeek: row.days_of_week,
      startTime: start.ok ? start.value : null,
      endTime: end.ok ? end.value : null,
    },
    nextCheck: row.next_check,
  };
}

export async function fetchSleepSchedule(db: Database, workerId: string): Promise<StoredSleepSchedule | undefined> {
  const row = await db('sleep_schedules').where('worker_id', workerId).first<ScheduleRow | undefined>(SCHEDULE_COLUMNS);
  return row ? scheduleFromRow(row) : undefined;
}

/** Creates or replaces the worker's schedule. */
export async function saveSleepSchedule(trx: Database, workerId: string, schedule: SleepSchedule, nextCheck: string): Promise<void> {
  await trx('sleep_schedules')
    .insert({
      worker_id: workerId,
      is_active: schedule.isActive,
      days_of_week: schedule.daysOfWeek,
      start_time: formatTimeOfDay(schedule.startTime),
      end_time: formatTimeOfDay(schedule.endTime),
      next_check: nextCheck,
    })
    .onConflict('worker_id')
    .merge();
}

export async function setSleepScheduleNextCheck(trx: Database, workerId: string, nextCheck: string): Promise<void> {
  await trx('sleep_schedules').where('worker_id', workerId).update({ next_check: nextCheck });
}

/** Active schedules of workers that were not deleted, whose next check is due at `now`. */
export async function dueSleepSchedules(db: Database, now: string, limit: number): Promise<StoredSleepSchedule[]> {
  const rows: ScheduleRow[] = await db('sleep_schedules')
    .join('workers', 'workers.id', 'sleep_schedules.worker_id')
    .whereNull('workers.deleted_at')
    .where('sleep_schedules.is_active', true)
    .where((query) => query.whereNull('sleep_schedules.next_check').orWhere('sleep_schedules.next_check', '<=', now))
    .orderBy('sleep_schedules.worker_id')
    .limit(limit)
    .select(SCHEDULE_COLUMNS.map((column) => `sleep_schedules.${column}`));
  return rows.map(scheduleFromRow);
}
