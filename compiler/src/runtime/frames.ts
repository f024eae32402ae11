// Frame-range helpers of the authoring API: `frameChunker(frames, chunkSize)` and
// `frameCount(frames)`, with Flamenco 3's semantics (internal/manager/job_compilers/js_globals.go).
//
// These functions are injected into the job-type sandbox as source text (`fn.toString()`), so
// this module holds nothing but self-contained `export function` declarations: no imports, no
// module-level values, no Node APIs. A function may only call itself, the other functions of
// this file, and ECMAScript built-ins.
//
// Notation: a range is a comma-separated list of parts; a part is a frame `N`, or a range
// `A-B` or `A..B` (Blender's notation). Whitespace around numbers is ignored. Frames are
// unique and sorted; output always uses `-` notation (`1-4,7,9,10`).
//
// Decisions where Flamenco is loose or silent:
// - A reversed range (`10-1`) is an error here. Flamenco's loop yields no frames for it and
//   silently drops that part (the whole range fails only when nothing is left); refusing the
//   job tells the artist instead of rendering fewer frames than asked for.
// - A range of more than 10,000,000 distinct frames is refused before anything is allocated.
// - Like Go's strconv.ParseInt, a frame number may carry a leading `+` (`+5`); `-5` is not a
//   frame (the `-` makes it a range with an empty start), and neither are `1.5` or `1e3`.
// - `undefined`/`null` are refused as an empty range (Flamenco's goja runtime passes them as
//   "", which it refuses too); a number is read as its decimal text; other non-strings are
//   refused.

/**
 * Parses a frame range into its distinct frames as inclusive `[start, end]` intervals, sorted,
 * with overlapping and adjacent intervals merged — so consecutive intervals are always at least
 * one missing frame apart. Throws on a malformed or empty range, or one of more than
 * 10,000,000 frames.
 */
export function frameRangeIntervals(range: string): Array<[number, number]> {
  const input: unknown = range;
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (input === undefined || input === null) {
    throw new Error(`frame range is empty (got ${String(input)})`);
  } else if (typeof input === 'number') {
    text = String(input);
  } else {
    throw new Error(`frame range must be a string like "1-10", got ${typeof input}`);
  }
  if (text.trim() === '') {
    throw new Error(`frame range ${JSON.stringify(text)} is empty`);
  }

  function parseFrame(bound: string, part: string): number {
    const trimmed = bound.trim();
    if (trimmed === '') {
      throw new Error(`frame range ${JSON.stringify(text)}: ${JSON.stringify(part.trim())} is missing a frame number`);
    }
    if (!/^\+?[0-9]+$/.test(trimmed)) {
      throw new Error(`frame range ${JSON.stringify(text)}: ${JSON.stringify(trimmed)} is not a frame number`);
    }
    const frame = Number(trimmed);
    if (!Number.isSafeInteger(frame)) {
      throw new Error(`frame range ${JSON.stringify(text)}: ${JSON.stringify(trimmed)} is too large a frame number`);
    }
    return frame;
  }

  const intervals: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    // `A..B` is the same as `A-B`. Replacing first (as Flamenco does) makes `1..5-7` a
    // three-bound part, which is refused below.
    const bounds = part.replaceAll('..', '-').split('-');
    if (bounds.length === 1) {
      const frame = parseFrame(bounds[0], part);
      intervals.push([frame, frame]);
    } else if (bounds.length === 2) {
      const start = parseFrame(bounds[0], part);
      const end = parseFrame(bounds[1], part);
      if (end < start) {
        throw new Error(`frame range ${JSON.stringify(text)}: ${JSON.stringify(part.trim())} ends before it starts`);
      }
      intervals.push([start, end]);
    } else {
      throw new Error(
        `frame range ${JSON.stringify(text)}: ${JSON.stringify(part.trim())} is not a frame or a range of frames ` +
          '(expected N, A-B or A..B)',
      );
    }
  }

  intervals.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  let total = 0;
  for (const interval of intervals) {
    const last = merged.length > 0 ? merged[merged.length - 1] : undefined;
    if (last !== undefined && interval[0] <= last[1] + 1) {
      if (interval[1] > last[1]) {
        total += interval[1] - last[1];
        last[1] = interval[1];
      }
    } else {
      merged.push([interval[0], interval[1]]);
      total += interval[1] - interval[0] + 1;
    }
    if (total > 10_000_000) {
      throw new Error(`frame range ${JSON.stringify(text)} has more than 10,000,000 frames, which is too many for one job`);
    }
  }
  return merged;
}

/** All distinct frames of a range, sorted ascending. */
export function explodeFrameRange(range: string): number[] {
  const frames: number[] = [];
  for (const [start, end] of frameRangeIntervals(range)) {
    for (let frame = start; frame <= end; frame++) frames.push(frame);
  }
  return frames;
}

/**
 * Writes sorted, distinct frames back compactly: runs of 3+ consecutive frames as `A-B`, a run
 * of exactly two as `A,B`, a single frame as `N`, all joined by `,`.
 */
export function compactFrames(frames: number[]): string {
  const input: unknown = frames;
  if (!Array.isArray(input) || input.length === 0) {
    const got = Array.isArray(input) ? 'an empty array' : input === null ? 'null' : typeof input;
    throw new Error(`compactFrames needs a non-empty array of frame numbers, got ${got}`);
  }
  const list: unknown[] = input;

  function run(first: number, last: number): string {
    if (first === last) return String(first);
    if (first + 1 === last) return `${first},${last}`;
    return `${first}-${last}`;
  }

  const parts: string[] = [];
  let runStart = 0;
  let previous = 0;
  for (let i = 0; i < list.length; i++) {
    const frame = list[i];
    if (typeof frame !== 'number' || !Number.isSafeInteger(frame)) {
      const shown = typeof frame === 'number' ? String(frame) : (JSON.stringify(frame) ?? typeof frame);
      throw new Error(`compactFrames: ${shown} (at index ${i}) is not a frame number`);
    }
    if (i === 0) {
      runStart = frame;
    } else if (frame <= previous) {
      throw new Error(`compactFrames: frames must be sorted and distinct, but ${frame} follows ${previous}`);
    } else if (frame !== previous + 1) {
      parts.push(run(runStart, previous));
      runStart = frame;
    }
    previous = frame;
  }
  parts.push(run(runStart, previous));
  return parts.join(',');
}

/**
 * Cuts a frame range into chunks of at most `chunkSize` frames (the distinct frames, sorted,
 * taken in consecutive groups), each written compactly as `compactFrames` does. The chunk size
 * is truncated to an integer like Go's int conversion; it must be at least 1.
 */
export function frameChunker(range: string, chunkSize: number): string[] {
  const sizeInput: unknown = chunkSize;
  if (typeof sizeInput !== 'number' || !Number.isFinite(sizeInput) || Math.trunc(sizeInput) < 1) {
    const shown =
      typeof sizeInput === 'number' ? String(sizeInput)
      : typeof sizeInput === 'string' ? JSON.stringify(sizeInput)
      : sizeInput === null ? 'null'
      : typeof sizeInput;
    throw new Error(`frameChunker: the chunk size must be a number of at least 1, got ${shown}`);
  }
  const size = Math.min(Math.trunc(sizeInput), Number.MAX_SAFE_INTEGER);

  // Work on the merged intervals rather than on every frame, so that a long range with big
  // chunks costs about as much as the number of chunks. Within a chunk, consecutive pieces
  // come from different intervals and are therefore never adjacent: each piece is one run.
  const chunks: string[] = [];
  let pieces: string[] = [];
  let room = size;
  for (const [start, end] of frameRangeIntervals(range)) {
    let first = start;
    while (first <= end) {
      const last = Math.min(end, first + room - 1);
      pieces.push(first === last ? String(first) : first + 1 === last ? `${first},${last}` : `${first}-${last}`);
      room -= last - first + 1;
      first = last + 1;
      if (room === 0) {
        chunks.push(pieces.join(','));
        pieces = [];
        room = size;
      }
    }
  }
  if (pieces.length > 0) chunks.push(pieces.join(','));
  return chunks;
}

/** The number of distinct frames in a frame range. */
export function frameCount(range: string): number {
  let count = 0;
  for (const [start, end] of frameRangeIntervals(range)) count += end - start + 1;
  return count;
}
