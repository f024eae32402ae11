// Version 2: what the job-type history and test cases need beyond version 1 — where a
// rolled-back version came from, a test's description and whether it expects a refusal (so
// lists need not read the expected output), and test names unique per job type.

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_type_versions', (t) => {
    t.integer('rolled_back_from');
  });
  await knex.schema.alterTable('job_type_tests', (t) => {
    t.text('description');
    t.boolean('expects_error').notNullable().defaultTo(false);
    t.unique(['job_type', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_type_tests', (t) => {
    t.dropUnique(['job_type', 'name']);
    t.dropColumn('expects_error');
    t.dropColumn('description');
  });
  await knex.schema.alterTable('job_type_versions', (t) => {
    t.dropColumn('rolled_back_from');
  });
}
