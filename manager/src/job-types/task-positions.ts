// Task UUIDs are new on every compile, so compiled jobs are compared with each task's UUID
// (and every dependency on it) replaced by a placeholder for the task's position in the job.
// The built-in examples write positions as "#<index>"; the API writes them as UUIDs
// (00000000-0000-0000-0000-000000000003 is the fourth task) so they still fit the schema.

import type { CompiledJob } from '@tablao/compiler';

export type TaskPlaceholder = (index: number) => string;

/** The UUID standing for the task at `index` (0-based): its number in the last group. */
export const positionUuid: TaskPlaceholder = (index) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`;

/** The compiled job as plain JSON data, with every task UUID replaced by its position's placeholder. */
export function normaliseTaskIds(compiled: CompiledJob, placeholder: TaskPlaceholder = positionUuid): CompiledJob {
  const plain = JSON.parse(JSON.stringify(compiled)) as CompiledJob;
  const placeholders = new Map(plain.tasks.map((task, index) => [task.uuid, placeholder(index)]));
  for (const task of plain.tasks) {
    task.uuid = placeholders.get(task.uuid) as string;
    task.dependencies = task.dependencies.map((uuid) => placeholders.get(uuid) ?? `not a task of this job: ${uuid}`);
  }
  return plain;
}
