import assert from 'node:assert/strict';

import { addDays, compareTimeOfDay, instantAt, wallClockAt } from '../../src/domain/local-time.ts';

describe('local time', () => {
  it('reads the wall clock in a time zone', () => {
    assert.deepEqual(wallClockAt(new Date('2022-06-07T09:14:47Z'), 'Europe/Amsterdam'), {
      year: 2022,
      month: 6,
      day: 7,
      hour: 11,
      minute: 14,
      second: 47,
      weekday: 'tu',
    });
    assert.equal(wallClockAt(new Date('2022-06-07T00:30:00Z'), 'UTC').hour, 0);
  });

  it('rejects an unknown time zone', () => {
    assert.throws(() => wallClockAt(new Date(), 'Mars/Olympus_Mons'), RangeError);
  });

  it('finds the instant of a wall-clock time, summer and winter', () => {
    assert.equal(instantAt({ year: 2022, month: 6, day: 7 }, { hour: 18, minute: 0 }, 'Europe/Amsterdam').toISOString(), '2022-06-07T16:00:00.000Z');
    assert.equal(instantAt({ year: 2022, month: 1, day: 7 }, { hour: 18, minute: 0 }, 'Europe/Amsterdam').toISOString(), '2022-01-07T17:00:00.000Z');
    assert.equal(instantAt({ year: 2022, month: 1, day: 7 }, { hour: 18, minute: 0 }, 'America/New_York').toISOString(), '2022-01-07T23:00:00.000Z');
  });

  it('moves a time skipped by the clocks jumping forward to the same distance after the jump', () => {
    // Amsterdam, 2024-03-31: 02:00 CET becomes 03:00 CEST.
    assert.equal(instantAt({ year: 2024, month: 3, day: 31 }, { hour: 2, minute: 30 }, 'Europe/Amsterdam').toISOString(), '2024-03-31T01:30:00.000Z');
  });

  it('takes the first of a time shown twice when the clocks go back', () => {
    // Amsterdam, 2024-10-27: 03:00 CEST becomes 02:00 CET.
    assert.equal(instantAt({ year: 2024, month: 10, day: 27 }, { hour: 2, minute: 30 }, 'Europe/Amsterdam').toISOString(), '2024-10-27T00:30:00.000Z');
  });

  it('finds midnight after a daylight-saving day', () => {
    const midnight = instantAt(addDays({ year: 2024, month: 3, day: 31 }, 1), { hour: 0, minute: 0 }, 'Europe/Amsterdam');
    assert.equal(midnight.toISOString(), '2024-03-31T22:00:00.000Z');
  });

  it('adds days across months and years', () => {
    assert.deepEqual(addDays({ year: 2023, month: 12, day: 31 }, 1), { year: 2024, month: 1, day: 1 });
    assert.deepEqual(addDays({ year: 2024, month: 2, day: 28 }, 1), { year: 2024, month: 2, day: 29 });
  });

  it('compares times of day', () => {
    assert.ok(compareTimeOfDay({ hour: 9, minute: 0 }, { hour: 18, minute: 0 }) < 0);
    assert.ok(compareTimeOfDay({ hour: 9, minute: 30 }, { hour: 9, minute: 5 }) > 0);
    assert.equal(compareTimeOfDay({ hour: 9, minute: 5 }, { hour: 9, minute: 5 }), 0);
  });
});
