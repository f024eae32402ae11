// What a command implementation (blender-render, frames-to-video, exec, …) gets from the task
// runner and gives back. The runner owns the manager connection: log batching, progress
// reports, the last-rendered upload queue and the may-i-run checks all stay on its side.

/** Executables and rules that come from the worker's configuration. */
export interface CommandEnvironment {
  /** Blender as found at start (config, the {blender} variable or PATH); undefined when not found. */
  blender?: string;
  /** FFmpeg as found at start; undefined when not found. */
  ffmpeg?: string;
  /** Executables that `exec` may run: absolute paths or bare names looked up on PATH. */
  allowedExecutables: readonly string[];
  /** The platform the worker runs on, as Node names it ('linux', 'win32', 'darwin'). */
  platform: NodeJS.Platform;
}

export interface CommandContext {
  /** The command's parameters as the manager sent them (variables already replaced). */
  parameters: Readonly<Record<string, unknown>>;
  environment: CommandEnvironment;
  /** Aborted when the command must stop at once (task no longer ours, worker stopping): kill the whole process tree, then reject with an error named 'AbortError'. */
  signal: AbortSignal;
  /** A line for the task log; the runner batches lines to the manager. */
  log(line: string): void;
  /** One more step of the command done (e.g. a frame rendered). */
  stepCompleted(): void;
  /** What the command is doing now, for the task's activity (e.g. "rendering frame 12"); called when it changes. Optional for the runner. */
  activity?(text: string): void;
  /** The latest rendered image, for the manager's last-rendered view (newest wins; the runner keeps at most one upload in flight). */
  outputProduced(imagePath: string): void;
}

/** A command's failure, with the message the task log and the manager's task activity show. */
export class CommandError extends Error {
  override name = 'CommandError';
}

/** Runs one command to its end: resolves when it succeeded, rejects with CommandError when it failed. */
export type CommandRunner = (context: CommandContext) => Promise<void>;
