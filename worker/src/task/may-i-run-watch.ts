// While a task runs, the worker asks the manager every few seconds whether it may go on. Only
// a clear "no" stops the task; a manager that cannot be reached counts as a yes, so a network
// hiccup never throws away a render.

import { mayKeepRunning } from '../loop/decisions.ts';
import { pause } from '../loop/pause.ts';
import type { MayKeepRunning, Reply } from '../manager/manager-client.ts';

export type AskMayIRun = (taskId: string, signal: AbortSignal) => Promise<Reply<MayKeepRunning>>;

export interface Refusal {
  reason: string;
  statusChangeRequested: boolean;
}

/** Asks every `intervalMs` until `signal` aborts; calls `onRefused` once, at the first "no", and stops asking. */
export async function watchMayIRun(ask: AskMayIRun, taskId: string, intervalMs: number, signal: AbortSignal, onRefused: (refusal: Refusal) => void): Promise<void> {
  while (!signal.aborted) {
    await pause(intervalMs, signal);
    if (signal.aborted) return;
    const answer = mayKeepRunning(await ask(taskId, signal));
    if (!answer.keepRunning && !signal.aborted) {
      onRefused({ reason: answer.reason, statusChangeRequested: answer.statusChangeRequested });
      return;
    }
  }
}
