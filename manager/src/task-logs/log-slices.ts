// Where to cut a piece of a log file so it starts and ends cleanly: at line boundaries when
// there are any, and never inside a UTF-8 character (a multi-byte character cut in two would
// turn into garbage on both sides).

const NEWLINE = 0x0a;

/** UTF-8 continuation bytes look like 10xxxxxx. */
function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** Skips the continuation bytes of a character that began before `bytes`. */
export function skipPartialCharacter(bytes: Buffer): number {
  let start = 0;
  while (start < Math.min(3, bytes.length) && isContinuation(bytes[start])) start++;
  return start;
}

/** The length of `bytes` without a character cut off at its end. */
export function wholeCharactersLength(bytes: Buffer): number {
  let lead = bytes.length - 1;
  while (lead > bytes.length - 4 && lead >= 0 && isContinuation(bytes[lead])) lead--;
  if (lead < 0) return bytes.length;
  const byte = bytes[lead] as number;
  const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead + needed <= bytes.length ? bytes.length : lead;
}

/**
 * The tail of a log: `window` is its last bytes, `before` the byte just before them (undefined
 * when the window starts the file). The first partial line is dropped; a window that is all
 * one line keeps the end of that line from a character boundary.
 */
export function tailStart(window: Buffer, before: number | undefined): number {
  if (before === undefined || before === NEWLINE) return 0;
  const newline = window.indexOf(NEWLINE);
  if (newline >= 0 && newline < window.length - 1) return newline + 1;
  return skipPartialCharacter(window);
}

/**
 * The end of a chunk read from a log: `bytes` are the bytes from the chunk's start (a few more
 * than `limit` when the file has them), `atEnd` says they reach the end of the file. The chunk
 * ends after its last whole line within `limit`; a line longer than `limit` is cut at a
 * character boundary, and a chunk always holds at least one character.
 */
export function chunkEnd(bytes: Buffer, limit: number, atEnd: boolean): number {
  // At the end of the file a cut-off character is being written right now; leave it for the
  // next read, unless it is all there is (then the file ends with it, and the reader must reach
  // the end).
  if (atEnd && bytes.length <= limit) return wholeCharactersLength(bytes) || bytes.length;
  const within = bytes.subarray(0, limit);
  const newline = within.lastIndexOf(NEWLINE);
  if (newline >= 0) return newline + 1;
  const whole = wholeCharactersLength(within);
  if (whole > 0) return whole;
  // One character longer than the limit: take it whole so the reader moves on.
  const first = bytes[0] ?? 0;
  const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return Math.min(length, bytes.length);
}
