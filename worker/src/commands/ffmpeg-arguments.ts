import { singleQuoted } from '../platform/platform-rules.ts';

// FFmpeg's command line for `frames-to-video`, as Flamenco builds it:
// `exe exeArgs… argsBefore… <input> args… -r FPS outputFile`. The input is a glob that FFmpeg
// expands itself, except on Windows where FFmpeg cannot glob and reads a list of files (its
// concat format) instead.

export interface FramesToVideo {
  readonly exeArgs: readonly string[];
  readonly argsBefore: readonly string[];
  readonly fps: number;
  readonly outputFile: string;
  readonly args: readonly string[];
}

/** The FPS as its shortest text: `24`, `23.976`. */
export function formatFps(fps: number): string {
  return String(fps);
}

export function framesToVideoArguments(video: FramesToVideo, input: readonly string[]): string[] {
  return [...video.exeArgs, ...video.argsBefore, ...input, ...video.args, '-r', formatFps(video.fps), video.outputFile];
}

/**
 * The input as a glob pattern. FFmpeg needs the input frame rate too, or it assumes 25 and drops
 * frames of a 24 FPS shot. Paths from Windows submitters may use `\`; FFmpeg's glob wants `/`.
 */
export function globInputArguments(inputGlob: string, fps: number): string[] {
  return ['-r', formatFps(fps), '-pattern_type', 'glob', '-i', inputGlob.replaceAll('\\', '/')];
}

/** The input as a concat list file; `-safe 0` lets the list hold absolute paths. */
export function concatListInputArguments(listFile: string): string[] {
  return ['-f', 'concat', '-safe', '0', '-i', listFile];
}

/** The list file's text: each frame, shown for one frame's time. */
export function concatListText(files: readonly string[], fps: number): string {
  const frameDuration = (1 / fps).toFixed(6);
  return files.map((file) => `file ${singleQuoted(file)}\nduration ${frameDuration}\n`).join('');
}
