// `formatTimestampLocal(date)` of the authoring API: Flamenco 3 formats `job.created` with
// Go's layout `2006-01-02_150405` in the manager's local time zone.
//
// This function is injected into the job-type sandbox as source text (`fn.toString()`), so
// this module holds nothing but self-contained `export function` declarations: no imports, no
// module-level values, no Node APIs (and no Intl: the local time zone is the one V8 uses for
// `Date`'s local getters, which is the process's).

/**
 * Formats a moment as `YYYY-MM-DD_HHMMSS` in local time, like Go's layout `2006-01-02_150405`:
 * the year has at least four digits (zero-padded; a negative astronomical year is written
 * `-0005`, as Go does), the other fields exactly two.
 *
 * Accepts a `Date` (also one from another realm), a number of milliseconds since the Unix
 * epoch, or an ISO 8601 string (`2006-01-02`, `2006-01-02T15:04:05Z`, …). Anything else, an
 * invalid date, or an unreadable string is an error that quotes the input.
 */
export function formatTimestampLocal(date: Date | number | string): string {
  const input: unknown = date;
  let time: number;
  if (typeof input === 'number') {
    time = new Date(input).getTime();
    if (Number.isNaN(time)) {
      throw new Error(`formatTimestampLocal: ${String(input)} is not a valid time in milliseconds`);
    }
  } else if (typeof input === 'string') {
    // Only ISO 8601 text: other formats are parsed differently by different engines.
    const iso = /^(?:\d{4}|[+-]\d{6})-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
    time = iso.test(input.trim()) ? new Date(input.trim()).getTime() : NaN;
    if (Number.isNaN(time)) {
      throw new Error(`formatTimestampLocal: ${JSON.stringify(input)} is not an ISO 8601 date and time`);
    }
  } else if (Object.prototype.toString.call(input) === '[object Date]') {
    // Not `instanceof Date`: a Date made in another realm (the host, a vm context) is one too.
    try {
      time = Date.prototype.getTime.call(input);
    } catch {
      throw new Error('formatTimestampLocal: the argument pretends to be a Date but is not one');
    }
    if (Number.isNaN(time)) {
      throw new Error('formatTimestampLocal: the date is invalid (Invalid Date)');
    }
  } else {
    const shown =
      input === undefined || input === null ? String(input)
      : Array.isArray(input) ? 'an array'
      : typeof input === 'object' ? 'an object'
      : `a ${typeof input}`;
    throw new Error(`formatTimestampLocal: expected a Date, got ${shown}`);
  }

  const moment = new Date(time);
  function two(value: number): string {
    return String(value).padStart(2, '0');
  }
  const year = moment.getFullYear();
  const yearText = (year < 0 ? '-' : '') + String(Math.abs(year)).padStart(4, '0');
  return (
    `${yearText}-${two(moment.getMonth() + 1)}-${two(moment.getDate())}_` +
    `${two(moment.getHours())}${two(moment.getMinutes())}${two(moment.getSeconds())}`
  );
}
