import { setTimeout as delay } from 'node:timers/promises';

import { abortError } from '../platform/abort.ts';
import type { CommandContext } from './command.ts';
import { parametersOf } from './parameters.ts';

// `sleep`: waits `duration_in_seconds` (fractions count; Flamenco drops them), or until the
// command is stopped.

/** Node's timers take at most 2^31 - 1 ms (a little under 25 days); a longer wait would end at once. */
const LONGEST_SLEEP_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export async function sleep(context: CommandContext): Promise<void> {
  const seconds = parametersOf('sleep', context.parameters).number('duration_in_seconds', 'how long to sleep, in seconds', {
    minimum: 0,
    maximum: LONGEST_SLEEP_SECONDS,
  });
  try {
    await delay(seconds * 1000, undefined, { signal: context.signal });
  } catch (error) {
    if (context.signal.aborted) throw abortError(context.signal);
    throw error;
  }
  context.log(`slept ${seconds}s`);
}
