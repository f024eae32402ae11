import assert from 'node:assert/strict';

import type { StatusChangeRequest } from '../../src/domain/effects.ts';
import { instantAt } from '../../src/domain/local-time.ts';
import {
  checkSleepSchedule,
  cleanUpDaysOfWeek,
  formatTimeOfDay,
  nextScheduleCheck,
  normalizeSleepSchedule,
  parseTimeOfDay,
  scheduledStatusRequest,
  scheduledWorkerStatus,
} from '../../src/domain/sleep-schedule.ts';
import type { SleepSchedule, TimeOfDay } from '../../src/domain/sleep-schedule.ts';
import type { WorkerStatus } from '../../src/domain/statuses.ts';

// Flamenco's tests run on Tuesday 2022-06-07, 11:14:47 local time.
const ZONE = 'Europe/Amsterdam';
const todayAt = (hour: number, minute: number): Date => instantAt({ year: 2022, month: 6, day: 7 }, { hour, minute }, ZONE);
const endOfDay = instantAt({ year: 2022, month: 6, day: 8 }, { hour: 0, minute: 0 }, ZONE);
const NOW = new Date(todayAt(11, 14).getTime() + 47_000);

const at = (hour: number, minute: number): TimeOfDay => ({ hour, minute });

function schedule(startTime: TimeOfDay | null, endTime: TimeOfDay | null, daysOfWeek = '', isActive = true): SleepSchedule {
  return { isActive, daysOfWeek, startTime, endTime };
}

describe('sleep schedule', () => {
  it('runs its tests on a Tuesday', () => {
    assert.equal(new Intl.DateTimeFormat('en-US', { timeZone: ZONE, weekday: 'long' }).format(NOW), 'Tuesday');
  });

  describe('the next check (Flamenco TestCalculateNextCheck; S start, N now, E end, lower case = no value)', () => {
    const cases: [string, SleepSchedule, Date, Date][] = [
      ['S N E → E', schedule(at(9, 0), at(18, 0)), todayAt(11, 16), todayAt(18, 0)],
      ['S E N → end of day', schedule(at(9, 0), at(18, 0)), todayAt(19, 16), endOfDay],
      ['N S E → S', schedule(at(9, 0), at(18, 0)), todayAt(8, 47), todayAt(9, 0)],
      ['s N e → end of day', schedule(null, null), todayAt(7, 47), endOfDay],
      ['S N e → end of day', schedule(at(9, 0), null), todayAt(10, 47), endOfDay],
      ['s N E → E', schedule(null, at(18, 0)), todayAt(7, 47), todayAt(18, 0)],
      ['N at S → E, never now itself', schedule(at(9, 0), at(18, 0)), todayAt(9, 0), todayAt(18, 0)],
      ['N at E → end of day', schedule(at(9, 0), at(18, 0)), todayAt(18, 0), endOfDay],
      ['S E N with an early start → midnight comes before tomorrow’s start', schedule(at(0, 30), at(6, 0)), todayAt(7, 0), endOfDay],
    ];
    for (const [name, sched, now, expected] of cases) {
      it(name, () => {
        assert.equal(nextScheduleCheck(sched, now, ZONE).toISOString(), expected.toISOString());
      });
    }
  });

  describe('the scheduled status (Flamenco TestScheduledWorkerStatus)', () => {
    it('is awake without a schedule, or with an inactive one', () => {
      assert.equal(scheduledWorkerStatus(null, todayAt(11, 16), ZONE), 'awake');
      assert.equal(scheduledWorkerStatus(schedule(at(9, 0), at(18, 0), '', false), todayAt(11, 16), ZONE), 'awake');
    });

    const cases: [string, SleepSchedule, Date, 'awake' | 'asleep'][] = [
      ['S N E, every day', schedule(at(9, 0), at(18, 0)), todayAt(11, 16), 'asleep'],
      ['S E N, every day', schedule(at(9, 0), at(18, 0)), todayAt(19, 16), 'awake'],
      ['N S E, every day', schedule(at(9, 0), at(18, 0)), todayAt(8, 47), 'awake'],
      ['s N e, every day', schedule(null, null), todayAt(7, 47), 'asleep'],
      ['S N e, every day', schedule(at(9, 0), null), todayAt(10, 47), 'asleep'],
      ['s N E, every day', schedule(null, at(18, 0)), todayAt(7, 47), 'asleep'],
      ['N at S', schedule(at(9, 0), at(18, 0)), todayAt(9, 0), 'asleep'],
      ['N at E', schedule(at(9, 0), at(18, 0)), todayAt(18, 0), 'awake'],
      ['S N E, on another day', schedule(at(9, 0), at(18, 0), 'mo we'), todayAt(11, 16), 'awake'],
      ['S E N, on another day', schedule(at(9, 0), at(18, 0), 'mo we'), todayAt(19, 16), 'awake'],
      ['N S E, on another day', schedule(at(9, 0), at(18, 0), 'mo we'), todayAt(8, 47), 'awake'],
      ['S N E, on a listed day', schedule(at(9, 0), at(18, 0), 'tu th fr'), todayAt(11, 16), 'asleep'],
      ['S E N, on a listed day', schedule(at(9, 0), at(18, 0), 'tu th fr'), todayAt(19, 16), 'awake'],
      ['N S E, on a listed day', schedule(at(9, 0), at(18, 0), 'tu th fr'), todayAt(8, 47), 'awake'],
    ];
    for (const [name, sched, now, expected] of cases) {
      it(`${expected}: ${name}`, () => {
        assert.equal(scheduledWorkerStatus(sched, now, ZONE), expected);
      });
    }

    it('reads the day and time in the given time zone', () => {
      // 2022-06-07 23:30 UTC is already Wednesday 08:30 in Tokyo.
      const instant = new Date('2022-06-07T23:30:00Z');
      const tuesdayNights = schedule(at(22, 0), null, 'tu');
      assert.equal(scheduledWorkerStatus(tuesdayNights, instant, 'UTC'), 'asleep');
      assert.equal(scheduledWorkerStatus(tuesdayNights, instant, 'Asia/Tokyo'), 'awake');
    });
  });

  describe('cleaning up days of the week (Flamenco TestCleanupDaysOfWeek)', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['mo tu we', 'mo tu we'],
      ['    mo   tu we \n', 'mo tu we'],
      ['monday tuesday wed', 'mo tu we'],
      ['Sunday SA', 'su sa'],
      ['mo mo monday', 'mo'],
    ];
    for (const [input, expected] of cases) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(cleanUpDaysOfWeek(input), { ok: true, value: expected });
      });
    }

    for (const input of ['mo xx', 'm', '1-5']) {
      it(`refuses ${JSON.stringify(input)}`, () => {
        assert.equal(cleanUpDaysOfWeek(input).ok, false);
      });
    }
  });

  describe('times of day', () => {
    it('parses HH:MM and H:MM, and empty as no time', () => {
      assert.deepEqual(parseTimeOfDay('09:00'), { ok: true, value: at(9, 0) });
      assert.deepEqual(parseTimeOfDay('9:05'), { ok: true, value: at(9, 5) });
      assert.deepEqual(parseTimeOfDay('23:59'), { ok: true, value: at(23, 59) });
      assert.deepEqual(parseTimeOfDay(''), { ok: true, value: null });
    });

    for (const text of ['24:00', '12:60', '12', 'noon', '12:5']) {
      it(`refuses ${JSON.stringify(text)}`, () => {
        assert.equal(parseTimeOfDay(text).ok, false);
      });
    }

    it('formats as HH:MM, and no time as empty', () => {
      assert.equal(formatTimeOfDay(at(9, 5)), '09:05');
      assert.equal(formatTimeOfDay(null), '');
    });
  });

  describe('saving a schedule (Flamenco TestSetSchedule)', () => {
    it('cleans up the days and parses the times', () => {
      assert.deepEqual(normalizeSleepSchedule({ isActive: true, daysOfWeek: ' mo  tu  we', startTime: '09:00', endTime: '18:00' }), {
        kind: 'accepted',
        schedule: { isActive: true, daysOfWeek: 'mo tu we', startTime: at(9, 0), endTime: at(18, 0) },
      });
    });

    it('swaps a start after the end', () => {
      const decision = normalizeSleepSchedule({ isActive: true, daysOfWeek: 'mo tu we', startTime: '18:00', endTime: '09:00' });
      assert.deepEqual(decision.kind === 'accepted' && [decision.schedule.startTime, decision.schedule.endTime], [at(9, 0), at(18, 0)]);
    });

    it('refuses bad days or times with 400', () => {
      for (const input of [
        { isActive: true, daysOfWeek: 'someday', startTime: '', endTime: '' },
        { isActive: true, daysOfWeek: '', startTime: '25:00', endTime: '' },
        { isActive: true, daysOfWeek: '', startTime: '', endTime: 'x' },
      ]) {
        const decision = normalizeSleepSchedule(input);
        assert.equal(decision.kind === 'refused' && decision.httpStatus, 400);
      }
    });

    it('checks a saved schedule: asleep now, next check at its end', () => {
      const sched = schedule(at(9, 0), at(18, 0), 'mo tu we');
      assert.deepEqual(checkSleepSchedule({ id: 'w', status: 'awake', request: null }, sched, NOW, ZONE), {
        scheduledStatus: 'asleep',
        nextCheck: todayAt(18, 0),
        effects: [{ kind: 'set-worker-status-request', workerId: 'w', request: { status: 'asleep', isLazy: false } }],
      });
    });

    it('asks nothing of a worker that already follows the schedule', () => {
      const sched = schedule(at(9, 0), at(18, 0), 'mo tu we');
      assert.deepEqual(checkSleepSchedule({ id: 'w', status: 'asleep', request: null }, sched, NOW, ZONE).effects, []);
    });
  });

  describe('applying a schedule to a worker (Flamenco TestApplySleepSchedule)', () => {
    const sched = schedule(at(9, 0), at(18, 0), 'mo tu we');
    const immediately = (status: WorkerStatus): StatusChangeRequest => ({ status, isLazy: false });
    const cases: [string, WorkerStatus, StatusChangeRequest | null, Date, StatusChangeRequest | null][] = [
      ['an offline worker in the sleep window is asked to sleep', 'offline', null, todayAt(10, 47), immediately('asleep')],
      ['an offline worker before the window is asked to wake', 'offline', null, todayAt(0, 3), immediately('awake')],
      ['an offline worker after the window is asked to wake', 'offline', null, todayAt(19, 59), immediately('awake')],
      ['a lazy request to sleep becomes immediate', 'awake', { status: 'asleep', isLazy: true }, todayAt(10, 47), immediately('asleep')],
      ['a person’s request to wake is overruled in the sleep window', 'asleep', immediately('awake'), todayAt(10, 47), immediately('asleep')],
      ['a worker already asleep is left alone', 'asleep', null, todayAt(10, 47), null],
      ['a worker already asked to sleep immediately is left alone', 'awake', immediately('asleep'), todayAt(10, 47), null],
      ['a worker in error is left alone', 'error', null, todayAt(10, 47), null],
    ];
    for (const [name, status, request, now, expected] of cases) {
      it(name, () => {
        const scheduled = scheduledWorkerStatus(sched, now, ZONE);
        assert.deepEqual(scheduledStatusRequest({ id: 'w', status, request }, scheduled), expected);
      });
    }
  });
});
