// What Blender's output lines mean while it renders. Blender up to 4.5 starts its lines with the
// message; Blender 5 puts `render | ` before render messages, so both forms are recognised.
// Blender 3.x and 4.x print the frame time as ` Time: 00:01.23 (Saving: …)`, with a leading
// space that Flamenco's pattern misses; Tablao counts those frames too.

export type BlenderLine =
  | { readonly kind: 'saved'; readonly file: string }
  | { readonly kind: 'frame-done'; readonly duration: string }
  | { readonly kind: 'frame-skipped' }
  | { readonly kind: 'frame-progress'; readonly frame: number }
  | { readonly kind: 'error' }
  | { readonly kind: 'other' };

const PREFIX = String.raw`^(?:render \| )?`;
const SAVED = new RegExp(`${PREFIX}Saved: '(.*)'`);
const FRAME_DONE = new RegExp(`${PREFIX}\\s*Time: ([0-9:.]+)`);
const FRAME_SKIPPED = new RegExp(`${PREFIX}[sS]kipping existing frame`);
const FRAME_PROGRESS = new RegExp(`${PREFIX}Fra:(\\d+)\\s`);
// Blender's own errors, and the lines of a Python traceback: the header, its `File "…"` lines
// and the exception at its end (`ValueError: boom`).
const ERROR = new RegExp(
  `${PREFIX}(?:Error: |Traceback \\(most recent call last\\))|^\\s+File "|^[A-Za-z_][\\w.]*(?:Error|Exception): `,
);

export function classifyBlenderLine(line: string): BlenderLine {
  const saved = SAVED.exec(line);
  if (saved) return { kind: 'saved', file: saved[1] ?? '' };
  const done = FRAME_DONE.exec(line);
  if (done) return { kind: 'frame-done', duration: done[1] ?? '' };
  if (FRAME_SKIPPED.test(line)) return { kind: 'frame-skipped' };
  const progress = FRAME_PROGRESS.exec(line);
  if (progress) return { kind: 'frame-progress', frame: Number(progress[1]) };
  if (ERROR.test(line)) return { kind: 'error' };
  return { kind: 'other' };
}
