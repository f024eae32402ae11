// The farm's storage, version 1. Portable between SQLite and PostgreSQL: ids are UUID text,
// times are ISO-8601 UTC text (they sort as text), JSON is stored as text.

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_types', (t) => {
    t.string('name', 64).primary();
    t.integer('current_version').notNullable();
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
  });

  await knex.schema.createTable('job_type_versions', (t) => {
    t.string('name', 64).notNullable().references('name').inTable('job_types').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('source').notNullable();
    t.string('etag', 40).notNullable();
    t.string('label', 512).notNullable();
    t.text('comment');
    t.string('created_at', 32).notNullable();
    t.primary(['name', 'version']);
  });

  await knex.schema.createTable('job_type_tests', (t) => {
    t.string('id', 36).primary();
    t.string('job_type', 64).notNullable().references('name').inTable('job_types').onDelete('CASCADE');
    t.string('name', 256).notNullable();
    t.text('submission').notNullable();
    t.text('expected').notNullable();
    t.string('now', 32);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.index(['job_type']);
  });

  await knex.schema.createTable('worker_tags', (t) => {
    t.string('id', 36).primary();
    t.string('name', 256).notNullable().unique();
    t.text('description').notNullable().defaultTo('');
  });

  await knex.schema.createTable('workers', (t) => {
    t.string('id', 36).primary();
    t.text('secret_hash').notNullable();
    t.string('name', 256).notNullable();
    t.string('address', 256).notNullable().defaultTo('');
    t.string('platform', 64).notNullable();
    t.string('software', 256).notNullable().defaultTo('');
    t.string('status', 32).notNullable();
    t.string('previous_status', 32);
    t.string('status_requested', 32);
    t.boolean('lazy_status_request').notNullable().defaultTo(false);
    t.text('supported_task_types').notNullable();
    t.boolean('can_restart').notNullable().defaultTo(false);
    t.boolean('never_blocklist').notNullable().defaultTo(false);
    t.string('last_seen_at', 32);
    t.string('deleted_at', 32);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.index(['status']);
  });

  await knex.schema.createTable('worker_tag_members', (t) => {
    t.string('worker_id', 36).notNullable().references('id').inTable('workers').onDelete('CASCADE');
    t.string('tag_id', 36).notNullable().references('id').inTable('worker_tags').onDelete('CASCADE');
    t.primary(['worker_id', 'tag_id']);
    t.index(['tag_id']);
  });

  await knex.schema.createTable('sleep_schedules', (t) => {
    t.string('worker_id', 36).primary().references('id').inTable('workers').onDelete('CASCADE');
    t.boolean('is_active').notNullable();
    t.string('days_of_week', 64).notNullable().defaultTo('');
    t.string('start_time', 8).notNullable();
    t.string('end_time', 8).notNullable();
    t.string('next_check', 32);
  });

  await knex.schema.createTable('jobs', (t) => {
    t.string('id', 36).primary();
    t.string('name', 512).notNullable();
    t.string('job_type', 128).notNullable();
    /** Where the job type came from: built-in, folder or custom. */
    t.string('job_type_origin', 16).notNullable();
    /** The custom job type's version; null for built-ins and folder scripts (see the etag). */
    t.integer('job_type_version');
    t.string('job_type_etag', 40).notNullable();
    t.integer('priority').notNullable();
    t.string('status', 32).notNullable();
    t.text('activity').notNullable().defaultTo('');
    t.text('settings').notNullable();
    t.text('metadata').notNullable();
    t.text('compile_log').notNullable();
    t.string('worker_tag_id', 36).references('id').inTable('worker_tags').onDelete('SET NULL');
    t.string('submitter_platform', 32).notNullable();
    t.string('shaman_checkout_id', 256);
    t.string('delete_requested_at', 32);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.index(['status', 'priority', 'created_at']);
    t.index(['updated_at']);
  });

  await knex.schema.createTable('job_status_changes', (t) => {
    t.increments('id');
    t.string('job_id', 36).notNullable().references('id').inTable('jobs').onDelete('CASCADE');
    t.string('from_status', 32).notNullable();
    t.string('to_status', 32).notNullable();
    t.text('reason').notNullable();
    t.string('at', 32).notNullable();
    t.index(['job_id']);
  });

  await knex.schema.createTable('tasks', (t) => {
    t.string('id', 36).primary();
    t.string('job_id', 36).notNullable().references('id').inTable('jobs').onDelete('CASCADE');
    t.integer('index_in_job').notNullable();
    t.string('name', 512).notNullable();
    t.string('type', 128).notNullable();
    t.integer('priority').notNullable();
    t.string('status', 32).notNullable();
    t.text('activity').notNullable().defaultTo('');
    t.text('commands').notNullable();
    t.integer('steps_completed').notNullable().defaultTo(0);
    t.integer('steps_total').notNullable();
    t.string('worker_id', 36).references('id').inTable('workers').onDelete('SET NULL');
    t.string('last_touched_at', 32);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['job_id', 'index_in_job']);
    t.index(['status', 'job_id']);
    t.index(['worker_id']);
  });

  await knex.schema.createTable('task_dependencies', (t) => {
    t.string('task_id', 36).notNullable().references('id').inTable('tasks').onDelete('CASCADE');
    t.string('depends_on_id', 36).notNullable().references('id').inTable('tasks').onDelete('CASCADE');
    t.primary(['task_id', 'depends_on_id']);
    t.index(['depends_on_id']);
  });

  await knex.schema.createTable('task_failures', (t) => {
    t.string('task_id', 36).notNullable().references('id').inTable('tasks').onDelete('CASCADE');
    t.string('worker_id', 36).notNullable().references('id').inTable('workers').onDelete('CASCADE');
    t.string('created_at', 32).notNullable();
    t.primary(['task_id', 'worker_id']);
  });

  await knex.schema.createTable('job_blocklist', (t) => {
    t.string('job_id', 36).notNullable().references('id').inTable('jobs').onDelete('CASCADE');
    t.string('worker_id', 36).notNullable().references('id').inTable('workers').onDelete('CASCADE');
    t.string('task_type', 128).notNullable();
    t.string('created_at', 32).notNullable();
    t.primary(['job_id', 'worker_id', 'task_type']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'job_blocklist',
    'task_failures',
    'task_dependencies',
    'tasks',
    'job_status_changes',
    'jobs',
    'sleep_schedules',
    'worker_tag_members',
    'workers',
    'worker_tags',
    'job_type_tests',
    'job_type_versions',
    'job_types',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
