import type { Effect, StatusChangeRequest } from './effects.ts';
import { addDays, compareTimeOfDay, instantAt, wallClockAt, WEEKDAY_NAMES } from './local-time.ts';
import type { TimeOfDay, WeekdayName } from './local-time.ts';
import { refuse } from './refusal.ts';
import type { Refusal } from './refusal.ts';
import type { WorkerStatus } from './statuses.ts';

// A worker's sleep schedule: on the listed days, between start and end time, the worker should
// be asleep; otherwise awake. Times of day are wall-clock times in the manager's time zone (as
// in Flamenco), which every function takes as an IANA zone name next to the current instant.

export type { TimeOfDay, WeekdayName } from './local-time.ts';

export interface SleepSchedule {
  readonly isActive: boolean;
  /** Two-letter day names separated by spaces ("mo tu we"); empty means every day. */
  readonly daysOfWeek: string;
  /** Null: from the start of the day. */
  readonly startTime: TimeOfDay | null;
  /** Null: until the end of the day. */
  readonly endTime: TimeOfDay | null;
}

/** A schedule as people send it: `{is_active, days_of_week, start_time: "HH:MM", end_time: "HH:MM"}`. */
export interface SleepScheduleInput {
  readonly isActive: boolean;
  readonly daysOfWeek: string;
  readonly startTime: string;
  readonly endTime: string;
}

/** When the scheduler looks at schedules: soon after a start, then every minute for those due. */
export const SLEEP_CHECK_SCHEDULE = { firstCheckAfterMs: 2_000, intervalMs: 60_000 } as const;

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** "HH:MM" (or "H:MM") → a time of day; "" → null, meaning the start or end of the day. */
export function parseTimeOfDay(text: string): Parsed<TimeOfDay | null> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  const match = /^(\d{1,2}):(\d{2})$/.exec(trimmed);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (match === null || hour > 23 || minute > 59) {
    return { ok: false, message: `"${text}" is not a time of day; write it as HH:MM, from 00:00 to 23:59.` };
  }
  return { ok: true, value: { hour, minute } };
}

export function formatTimeOfDay(time: TimeOfDay | null): string {
  if (time === null) return '';
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

/**
 * Flamenco's clean-up: trimmed, lower case, each name cut to its first two letters
 * ("Monday tue WED" → "mo tu we"). Tablao also refuses names that are no day and drops repeats.
 */
export function cleanUpDaysOfWeek(text: string): Parsed<string> {
  const names: WeekdayName[] = [];
  for (const word of text.trim().split(/\s+/).filter((each) => each !== '')) {
    const name = word.toLowerCase().slice(0, 2);
    if (!(WEEKDAY_NAMES as readonly string[]).includes(name)) {
      return { ok: false, message: `"${word}" is not a day of the week; use ${WEEKDAY_NAMES.join(' ')}.` };
    }
    if (!names.includes(name as WeekdayName)) names.push(name as WeekdayName);
  }
  return { ok: true, value: names.join(' ') };
}

/** A schedule as stored: days cleaned up, times parsed, and start and end swapped when reversed (as Flamenco does). */
export function normalizeSleepSchedule(input: SleepScheduleInput): Refusal | { readonly kind: 'accepted'; readonly schedule: SleepSchedule } {
  const days = cleanUpDaysOfWeek(input.daysOfWeek);
  const start = parseTimeOfDay(input.startTime);
  const end = parseTimeOfDay(input.endTime);
  for (const parsed of [days, start, end]) {
    if (!parsed.ok) return refuse(400, parsed.message);
  }
  let startTime = start.ok ? start.value : null;
  let endTime = end.ok ? end.value : null;
  if (startTime !== null && endTime !== null && compareTimeOfDay(endTime, startTime) < 0) {
    [startTime, endTime] = [endTime, startTime];
  }
  return { kind: 'accepted', schedule: { isActive: input.isActive, daysOfWeek: days.ok ? days.value : '', startTime, endTime } };
}

/** The status the schedule wants the worker in at `now`. No schedule, or an inactive one, means awake. */
export function scheduledWorkerStatus(schedule: SleepSchedule | null, now: Date, timeZone: string): 'awake' | 'asleep' {
  if (schedule === null || !schedule.isActive) return 'awake';
  const wall = wallClockAt(now, timeZone);
  const days = schedule.daysOfWeek.split(/\s+/).filter((day) => day !== '');
  if (days.length > 0 && !days.includes(wall.weekday)) return 'awake';
  const beforeStart = schedule.startTime !== null && compareTimeOfDay(wall, schedule.startTime) < 0;
  const afterEnd = schedule.endTime !== null && compareTimeOfDay(wall, schedule.endTime) >= 0;
  return beforeStart || afterEnd ? 'awake' : 'asleep';
}

/**
 * When to look at this schedule again: the first of its next start, its next end and the next
 * local midnight (when the day, and so maybe the answer, changes). Always later than `now`.
 */
export function nextScheduleCheck(schedule: SleepSchedule, now: Date, timeZone: string): Date {
  const today = wallClockAt(now, timeZone);
  const tomorrow = addDays(today, 1);
  const candidates = [instantAt(tomorrow, { hour: 0, minute: 0 }, timeZone)];
  for (const time of [schedule.startTime, schedule.endTime]) {
    if (time === null) continue;
    const todayAt = instantAt(today, time, timeZone);
    candidates.push(todayAt.getTime() > now.getTime() ? todayAt : instantAt(tomorrow, time, timeZone));
  }
  return new Date(Math.min(...candidates.map((candidate) => candidate.getTime())));
}

export interface ScheduledWorker {
  readonly id: string;
  readonly status: WorkerStatus;
  readonly request: StatusChangeRequest | null;
}

/**
 * The request the sleep scheduler makes so the worker follows its schedule, or null when none is
 * needed. It is immediate, since a render can run for hours. A worker in `error` is left alone.
 */
export function scheduledStatusRequest(worker: ScheduledWorker, scheduled: 'awake' | 'asleep'): StatusChangeRequest | null {
  if (worker.status === 'error') return null;
  if (worker.request !== null && worker.request.status === scheduled && !worker.request.isLazy) return null;
  if (worker.request === null && worker.status === scheduled) return null;
  return { status: scheduled, isLazy: false };
}

export interface SleepScheduleCheck {
  readonly scheduledStatus: 'awake' | 'asleep';
  readonly nextCheck: Date;
  readonly effects: readonly Effect[];
}

/** A due check (or a schedule just saved): what the worker should be, what to ask of it, when to look again. */
export function checkSleepSchedule(worker: ScheduledWorker, schedule: SleepSchedule, now: Date, timeZone: string): SleepScheduleCheck {
  const scheduledStatus = scheduledWorkerStatus(schedule, now, timeZone);
  const request = scheduledStatusRequest(worker, scheduledStatus);
  return {
    scheduledStatus,
    nextCheck: nextScheduleCheck(schedule, now, timeZone),
    effects: request === null ? [] : [{ kind: 'set-worker-status-request', workerId: worker.id, request }],
  };
}
