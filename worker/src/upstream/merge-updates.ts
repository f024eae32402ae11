// Queued updates of one task, sent together when the manager is back: a run of log lines and
// progress becomes one request. A status change (`taskStatus`) ends a run, so the manager sees
// every status change separately and in order, each after the log lines written before it.

import type { TaskUpdate } from '../manager/manager-client.ts';

/** Log text per request; the manager takes up to 1 MiB. */
export const MAX_MERGED_LOG_CHARS = 512 * 1024;

/** `earlier` and `later` as one update, or undefined when they must stay apart. */
export function mergeUpdates(earlier: TaskUpdate, later: TaskUpdate, maxLogChars = MAX_MERGED_LOG_CHARS): TaskUpdate | undefined {
  if (earlier.taskStatus !== undefined) return undefined;
  const log = (earlier.log ?? '') + (later.log ?? '');
  if (log.length > maxLogChars && earlier.log !== undefined && later.log !== undefined) return undefined;
  const taskStatus = later.taskStatus;
  const activity = later.activity ?? earlier.activity;
  const steps = later.steps_completed ?? earlier.steps_completed;
  return {
    ...(taskStatus === undefined ? {} : { taskStatus }),
    ...(activity === undefined ? {} : { activity }),
    ...(log === '' ? {} : { log }),
    ...(steps === undefined ? {} : { steps_completed: steps }),
  };
}

export interface Batch<T extends { taskId: string; update: TaskUpdate }> {
  taskId: string;
  update: TaskUpdate;
  /** The queued items this batch stands for, in order. */
  items: T[];
}

/** The first batch of `queued` (in order): the first item and every following one of the same task that merges with it. */
export function firstBatch<T extends { taskId: string; update: TaskUpdate }>(queued: readonly T[], maxLogChars = MAX_MERGED_LOG_CHARS): Batch<T> | undefined {
  const [first, ...rest] = queued;
  if (first === undefined) return undefined;
  const batch: Batch<T> = { taskId: first.taskId, update: first.update, items: [first] };
  for (const item of rest) {
    if (item.taskId !== batch.taskId) break;
    const merged = mergeUpdates(batch.update, item.update, maxLogChars);
    if (merged === undefined) break;
    batch.update = merged;
    batch.items.push(item);
  }
  return batch;
}
