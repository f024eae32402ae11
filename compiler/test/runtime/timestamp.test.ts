import assert from 'node:assert/strict';
import vm from 'node:vm';
import { formatTimestampLocal } from '../../src/runtime/timestamp.ts';

/** Runs `fn` with the process's time zone set to `zone` (Node applies TZ changes at once). */
function inTimeZone<T>(zone: string, fn: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = zone;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

describe('runtime/formatTimestampLocal', () => {
  describe('layout 2006-01-02_150405', () => {
    const rows: Array<[Date, string]> = [
      [new Date(2006, 0, 2, 15, 4, 5), '2006-01-02_150405'],
      [new Date(2024, 11, 31, 23, 59, 59, 999), '2024-12-31_235959'],
      [new Date(2000, 1, 29, 0, 0, 0), '2000-02-29_000000'],
      [new Date(1999, 9, 10, 9, 8, 7), '1999-10-10_090807'],
    ];
    for (const [date, text] of rows) {
      it(`${text}`, () => {
        assert.equal(formatTimestampLocal(date), text);
      });
    }

    it('pads years before 1000 to four digits', () => {
      const date = new Date(2000, 0, 1, 1, 2, 3);
      date.setFullYear(999);
      assert.equal(formatTimestampLocal(date), '0999-01-01_010203');
      date.setFullYear(5);
      assert.equal(formatTimestampLocal(date), '0005-01-01_010203');
      date.setFullYear(0);
      assert.equal(formatTimestampLocal(date), '0000-01-01_010203');
    });

    it('writes negative years and years past 9999 like Go', () => {
      const date = new Date(2000, 5, 6, 7, 8, 9);
      date.setFullYear(-5);
      assert.equal(formatTimestampLocal(date), '-0005-06-06_070809');
      date.setFullYear(12345);
      assert.equal(formatTimestampLocal(date), '12345-06-06_070809');
    });
  });

  describe('local time', () => {
    const instant = Date.UTC(2006, 0, 2, 22, 4, 5); // 2006-01-02T22:04:05Z

    it('uses the time zone of the process', () => {
      assert.equal(inTimeZone('UTC', () => formatTimestampLocal(new Date(instant))), '2006-01-02_220405');
      assert.equal(inTimeZone('Asia/Kolkata', () => formatTimestampLocal(new Date(instant))), '2006-01-03_033405');
      assert.equal(inTimeZone('America/Denver', () => formatTimestampLocal(new Date(instant))), '2006-01-02_150405');
    });

    it('follows daylight saving time', () => {
      const summer = Date.UTC(2024, 6, 1, 12, 0, 0);
      assert.equal(inTimeZone('Europe/Amsterdam', () => formatTimestampLocal(new Date(summer))), '2024-07-01_140000');
    });
  });

  describe('other inputs', () => {
    it('accepts milliseconds since the epoch', () => {
      const date = new Date(2006, 0, 2, 15, 4, 5);
      assert.equal(formatTimestampLocal(date.getTime()), '2006-01-02_150405');
      assert.equal(inTimeZone('UTC', () => formatTimestampLocal(0)), '1970-01-01_000000');
    });

    it('accepts ISO 8601 strings', () => {
      assert.equal(formatTimestampLocal('2006-01-02T15:04:05'), '2006-01-02_150405'); // local time
      assert.equal(formatTimestampLocal('2006-01-02T15:04'), '2006-01-02_150400');
      assert.equal(inTimeZone('UTC', () => formatTimestampLocal('2006-01-02T15:04:05.123Z')), '2006-01-02_150405');
      assert.equal(inTimeZone('UTC', () => formatTimestampLocal('2006-01-02T15:04:05+02:00')), '2006-01-02_130405');
      assert.equal(inTimeZone('UTC', () => formatTimestampLocal('2006-01-02')), '2006-01-02_000000');
      assert.equal(inTimeZone('UTC', () => formatTimestampLocal('+012345-01-02T00:00:00Z')), '12345-01-02_000000');
    });

    it('accepts a Date made in another realm', () => {
      const foreign: unknown = vm.runInNewContext('new Date(2006, 0, 2, 15, 4, 5)');
      assert.ok(!(foreign instanceof Date));
      assert.equal(formatTimestampLocal(foreign as Date), '2006-01-02_150405');
    });
  });

  describe('errors', () => {
    const rows: Array<[string, unknown, RegExp]> = [
      ['an invalid Date', new Date(NaN), /formatTimestampLocal: the date is invalid/],
      ['NaN', NaN, /formatTimestampLocal: NaN is not a valid time/],
      ['Infinity', Infinity, /Infinity is not a valid time/],
      ['a time out of Date\'s range', 8.64e15 + 1, /8640000000000001 is not a valid time/],
      ['a non-ISO string', 'Jan 2 2006', /formatTimestampLocal: "Jan 2 2006" is not an ISO 8601 date/],
      ['an empty string', '', /"" is not an ISO 8601 date/],
      ['an impossible ISO date', '2006-13-45', /"2006-13-45" is not an ISO 8601 date/],
      ['undefined', undefined, /formatTimestampLocal: expected a Date, got undefined/],
      ['null', null, /expected a Date, got null/],
      ['an object', { year: 2006 }, /expected a Date, got an object/],
      ['an array', [2006, 1, 2], /expected a Date, got an array/],
      ['a boolean', true, /expected a Date, got a boolean/],
      ['a fake Date', { [Symbol.toStringTag]: 'Date' }, /pretends to be a Date/],
    ];
    for (const [what, value, message] of rows) {
      it(`refuses ${what}`, () => {
        assert.throws(() => formatTimestampLocal(value as Date), (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.match(error.message, message);
          return true;
        });
      });
    }
  });
});
