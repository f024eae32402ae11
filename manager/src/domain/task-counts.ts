import { TASK_STATUSES } from './statuses.ts';
import type { TaskStatus } from './statuses.ts';

/** A job's tasks summarised by status: what the state machine needs to know about "the other tasks". */
export type TaskCounts = Readonly<Record<TaskStatus, number>>;

export function taskCounts(counts: Partial<Record<TaskStatus, number>> = {}): TaskCounts {
  const full = {} as Record<TaskStatus, number>;
  for (const status of TASK_STATUSES) {
    const count = counts[status] ?? 0;
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`task count for "${status}" must be a whole number ≥ 0, got ${count}`);
    }
    full[status] = count;
  }
  return full;
}

export function countTaskStatuses(statuses: Iterable<TaskStatus>): TaskCounts {
  const counts: Partial<Record<TaskStatus, number>> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return taskCounts(counts);
}

export function totalTasks(counts: TaskCounts): number {
  return TASK_STATUSES.reduce((sum, status) => sum + counts[status], 0);
}

export function countIn(counts: TaskCounts, statuses: readonly TaskStatus[]): number {
  return statuses.reduce((sum, status) => sum + counts[status], 0);
}

/** The counts after one task went from `from` to `to`. */
export function moveOneTask(counts: TaskCounts, from: TaskStatus, to: TaskStatus): TaskCounts {
  if (counts[from] < 1) {
    throw new RangeError(`no task counted as "${from}", so none can change from it`);
  }
  if (from === to) return counts;
  return { ...counts, [from]: counts[from] - 1, [to]: counts[to] + 1 };
}

/** The counts after every task in one of `from` (or every task, for 'all') went to `to`. */
export function moveTasks(counts: TaskCounts, from: readonly TaskStatus[] | 'all', to: TaskStatus): TaskCounts {
  const sources = from === 'all' ? TASK_STATUSES : from;
  const moved = { ...counts };
  for (const status of sources) {
    if (status === to) continue;
    moved[to] += moved[status];
    moved[status] = 0;
  }
  return moved;
}
