// Version 8: no index of all tasks by (status, job): every question it answered has a better
// index now — a job's tasks by status (version 3), queued tasks for dispatch (4), active tasks
// (6), counts per status (5) — and each submitted task and each status change had to update it.

import type { Knex } from 'knex';

const COLUMNS = ['status', 'job_id'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(COLUMNS);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.index(COLUMNS);
  });
}
