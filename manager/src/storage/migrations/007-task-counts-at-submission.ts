// Version 7: a submitted job's task count is written by the submission (storage/jobs.ts) instead
// of by a trigger. Tasks are only ever inserted by a submission, all queued, and SQLite's
// per-row trigger made a 10,000-task submission a third slower. Status changes and deletions
// still count through the triggers of version 5.

import type { Knex } from 'knex';
import { ADD_ONE } from './005-job-task-counts.ts';

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') await knex.raw('DROP TRIGGER IF EXISTS job_task_counts_insert ON tasks');
  else await knex.raw('DROP TRIGGER IF EXISTS job_task_counts_insert');
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      `CREATE TRIGGER job_task_counts_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION job_task_counts_follow()`,
    );
  } else {
    await knex.raw(`CREATE TRIGGER job_task_counts_insert AFTER INSERT ON tasks BEGIN ${ADD_ONE}; END`);
  }
}
