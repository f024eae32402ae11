// Indexes for listing and sorting jobs (queryJobs with 10,000s of jobs), for a job's tasks by
// status (state-machine counts, task queries of jobs with 100,000 tasks), and for finding the
// jobs that wait for deletion. Explicit names, so they never clash with other migrations'.

import type { Knex } from 'knex';

const JOB_INDEXES: Record<string, string[]> = {
  jobs_by_created_at: ['created_at'],
  jobs_by_name: ['name'],
  jobs_by_job_type: ['job_type'],
  jobs_by_priority: ['priority'],
  jobs_by_delete_requested_at: ['delete_requested_at'],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    for (const [name, columns] of Object.entries(JOB_INDEXES)) t.index(columns, name);
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['job_id', 'status', 'index_in_job'], 'tasks_by_job_status_order');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['job_id', 'status', 'index_in_job'], 'tasks_by_job_status_order');
  });
  await knex.schema.alterTable('jobs', (t) => {
    for (const [name, columns] of Object.entries(JOB_INDEXES)) t.dropIndex(columns, name);
  });
}
