// Version 4: indexes for handing out tasks fast (storage/task-scheduler.ts) and for the questions
// the worker protocol asks on every call. No data changes.

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Only tasks that can be handed out, per job, in dispatch order: the scheduler walks a job's
  // entries from the front and stops at the first that is runnable. The WHERE must stay the
  // same text as the scheduler's, or SQLite will not use the index.
  await knex.raw(
    `CREATE INDEX tasks_dispatch_order ON tasks (job_id, priority DESC, index_in_job) WHERE status IN ('queued', 'soft-failed')`,
  );
  // "The task this worker runs": workers keep their finished tasks, so the status matters.
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['worker_id', 'status'], 'tasks_worker_status');
  });
  // A worker's failures within a job (blocklisting).
  await knex.schema.alterTable('task_failures', (t) => {
    t.index(['worker_id', 'task_id'], 'task_failures_worker');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('task_failures', (t) => {
    t.dropIndex(['worker_id', 'task_id'], 'task_failures_worker');
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['worker_id', 'status'], 'tasks_worker_status');
  });
  await knex.raw('DROP INDEX tasks_dispatch_order');
}
