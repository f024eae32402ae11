import { fileURLToPath } from 'node:url';

import type { CommandContext, CommandEnvironment } from '../../src/commands/command.ts';

// A CommandContext that records what a command reports, for tests: the task runner's side,
// faked.

export interface Recording {
  readonly logs: string[];
  readonly steps: number[];
  readonly outputs: string[];
  readonly activities: string[];
  /** Everything in the order it happened: `log:…`, `step`, `output:…`, `activity:…`. */
  readonly events: string[];
}

export interface RecordingContext {
  readonly context: CommandContext;
  readonly recording: Recording;
  readonly abort: AbortController;
}

export function recordingContext(
  parameters: Record<string, unknown>,
  environment: Partial<CommandEnvironment> = {},
): RecordingContext {
  const abort = new AbortController();
  const recording: Recording = { logs: [], steps: [], outputs: [], activities: [], events: [] };
  const context: CommandContext = {
    parameters,
    environment: { allowedExecutables: [], platform: process.platform, ...environment },
    signal: abort.signal,
    log: (line) => {
      recording.logs.push(line);
      recording.events.push(`log:${line}`);
    },
    stepCompleted: () => {
      recording.steps.push(recording.steps.length + 1);
      recording.events.push('step');
    },
    outputProduced: (file) => {
      recording.outputs.push(file);
      recording.events.push(`output:${file}`);
    },
    activity: (text) => {
      recording.activities.push(text);
      recording.events.push(`activity:${text}`);
    },
  };
  return { context, recording, abort };
}

/** The absolute path of a file in worker/test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** The output lines a process printed, without the `pid=N > ` prefix the task log gets. */
export function outputLines(logs: readonly string[]): string[] {
  return logs.flatMap((line) => {
    const match = /^pid=\d+ > (.*)$/s.exec(line);
    return match ? [match[1] ?? ''] : [];
  });
}
