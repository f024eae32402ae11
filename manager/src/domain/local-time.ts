// Wall-clock time in an IANA time zone ("Europe/Amsterdam", "UTC"), computed with Intl so that
// no code here depends on the time zone of the machine it runs on. The caller passes the zone,
// normally the manager's own: Intl.DateTimeFormat().resolvedOptions().timeZone.

export type WeekdayName = 'mo' | 'tu' | 'we' | 'th' | 'fr' | 'sa' | 'su';

export const WEEKDAY_NAMES: readonly WeekdayName[] = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];

export interface CalendarDate {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
}

export interface TimeOfDay {
  /** 0–23. */
  readonly hour: number;
  /** 0–59. */
  readonly minute: number;
}

export interface WallClock extends CalendarDate, TimeOfDay {
  readonly second: number;
  readonly weekday: WeekdayName;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at `instant`. Throws a RangeError for an unknown zone. */
export function wallClockAt(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: (parts.weekday ?? '').slice(0, 2).toLowerCase() as WeekdayName,
  };
}

export function compareTimeOfDay(a: TimeOfDay, b: TimeOfDay): number {
  return a.hour - b.hour || a.minute - b.minute;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/**
 * The instant at which the wall clock in `timeZone` shows this date and time. Around daylight
 * saving changes: a time skipped by the change (02:30 when clocks jump from 02:00 to 03:00)
 * gives the instant the clock jumped over it (shown as 03:30); a time shown twice (clocks going
 * back) gives the earlier of the two instants.
 */
export function instantAt(date: CalendarDate, time: TimeOfDay, timeZone: string): Date {
  const asIfUtc = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const day = 24 * 3600_000;
  // The offsets a day before and after cover any single transition near this moment.
  const offsets = [offsetAt(asIfUtc - day, timeZone), offsetAt(asIfUtc + day, timeZone)];
  const candidates = offsets.map((offset) => asIfUtc - offset);
  const exact = candidates.filter((candidate) => showsWallClock(candidate, date, time, timeZone));
  if (exact.length > 0) return new Date(Math.min(...exact));
  return new Date(candidates[0] ?? asIfUtc);
}

/** Milliseconds the zone's wall clock is ahead of UTC at this instant. */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClockAt(new Date(instant), timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(instant / 1000) * 1000;
}

function showsWallClock(instant: number, date: CalendarDate, time: TimeOfDay, timeZone: string): boolean {
  const wall = wallClockAt(new Date(instant), timeZone);
  return (
    wall.year === date.year && wall.month === date.month && wall.day === date.day && wall.hour === time.hour && wall.minute === time.minute
  );
}
