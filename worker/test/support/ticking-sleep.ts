import type { CommandRunner } from '../../src/commands/command.ts';

/**
 * A `sleep` that writes a numbered log line and a step every `tickMs` for its duration, into
 * the list `linesFor` gives when it starts — what the manager must end up with, in order.
 */
export function tickingSleep(tickMs: number, linesFor: () => string[]): CommandRunner {
  return async (context) => {
    const lines = linesFor();
    const count = Math.round((Number(context.parameters.duration_in_seconds) * 1000) / tickMs);
    for (let i = 0; i < count; i++) {
      if (context.signal.aborted) throw new Error('stopped');
      const line = `tick ${i}`;
      lines.push(line);
      context.log(line);
      context.stepCompleted();
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  };
}
