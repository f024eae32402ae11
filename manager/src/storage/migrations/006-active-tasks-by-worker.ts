// Version 6: "the task this worker runs" from a small partial index of active tasks, instead of
// an index of every task by worker and status (version 4): workers keep their finished tasks,
// and a full index had to change at every status change of every task. The WHERE must stay the
// same text as the scheduler's (storage/task-scheduler.ts), or SQLite will not use the index.

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX tasks_active_by_worker ON tasks (worker_id) WHERE status = 'active'`);
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['worker_id', 'status'], 'tasks_worker_status');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['worker_id', 'status'], 'tasks_worker_status');
  });
  await knex.raw('DROP INDEX tasks_active_by_worker');
}
