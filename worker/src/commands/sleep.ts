import { setTimeout as delay } from 'node:timers/promises';

import { abortError } from '../platform/abort.ts';
import type { CommandContext } from './command.ts';
import { parametersOf } from './parameters.ts';

// `sleep`: waits `duration_in_seconds` (fractions count; Flamenco drops them), or until the
// command is stopped.

export async function sleep(context: CommandContext): Promise<void> {
  const seconds = parametersOf('sleep', context.parameters).number('duration_in_seconds', 'how long to sleep, in seconds', {
    minimum: 0,
  });
  try {
    await delay(seconds * 1000, undefined, { signal: context.signal });
  } catch (error) {
    if (context.signal.aborted) throw abortError(context.signal);
    throw error;
  }
  context.log(`slept ${seconds}s`);
}
