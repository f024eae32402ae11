// Version 5: each job's tasks counted by status, kept up to date by the database itself.
//
// The state machine decides on a job's task counts at every task status change (is this the
// last task to complete? have 10% failed?). Counting the tasks of a 100,000-task job takes
// milliseconds, which would cap a farm at a few hundred task updates per second. Triggers keep
// the counts exact whoever changes a task (every status change, insert and delete, bulk ones
// included), so reading them costs one index lookup.
//
// SQLite keeps them per row; PostgreSQL per statement, from the statement's transition tables,
// so that bulk changes (submitting, cancelling or deleting a big job) cost one grouped update.
// Beware: knex recreates a SQLite table for some column changes (dropColumn, renameColumn,
// setNullable), which drops its triggers; a migration doing that to `tasks` must create these
// triggers again. test/api/task-updates.test.ts checks the counts against the tasks.

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_task_counts', (t) => {
    t.string('job_id', 36).notNullable().references('id').inTable('jobs').onDelete('CASCADE');
    t.string('status', 32).notNullable();
    t.integer('n').notNullable();
    t.primary(['job_id', 'status']);
  });
  if (knex.client.config.client === 'pg') await createPostgresTriggers(knex);
  else await createSqliteTriggers(knex);
  await knex.raw(`INSERT INTO job_task_counts (job_id, status, n) SELECT job_id, status, COUNT(*) FROM tasks GROUP BY job_id, status`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const trigger of ['job_task_counts_insert', 'job_task_counts_update', 'job_task_counts_delete']) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${trigger} ON tasks`);
    }
    await knex.raw('DROP FUNCTION IF EXISTS job_task_counts_follow()');
  } else {
    for (const trigger of ['job_task_counts_insert', 'job_task_counts_update', 'job_task_counts_delete']) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${trigger}`);
    }
  }
  await knex.schema.dropTable('job_task_counts');
}

export const ADD_ONE = `INSERT INTO job_task_counts (job_id, status, n) VALUES (NEW.job_id, NEW.status, 1)
  ON CONFLICT (job_id, status) DO UPDATE SET n = n + 1`;
const REMOVE_ONE = `UPDATE job_task_counts SET n = n - 1 WHERE job_id = OLD.job_id AND status = OLD.status`;

async function createSqliteTriggers(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TRIGGER job_task_counts_insert AFTER INSERT ON tasks BEGIN ${ADD_ONE}; END`);
  await knex.raw(
    `CREATE TRIGGER job_task_counts_update AFTER UPDATE OF status, job_id ON tasks
     WHEN OLD.status IS NOT NEW.status OR OLD.job_id IS NOT NEW.job_id
     BEGIN ${REMOVE_ONE}; ${ADD_ONE}; END`,
  );
  await knex.raw(`CREATE TRIGGER job_task_counts_delete AFTER DELETE ON tasks BEGIN ${REMOVE_ONE}; END`);
}

async function createPostgresTriggers(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION job_task_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO job_task_counts (job_id, status, n)
          SELECT job_id, status, COUNT(*) FROM new_rows GROUP BY job_id, status
          ON CONFLICT (job_id, status) DO UPDATE SET n = job_task_counts.n + EXCLUDED.n;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE job_task_counts SET n = job_task_counts.n - gone.k
          FROM (SELECT job_id, status, COUNT(*) AS k FROM old_rows GROUP BY job_id, status) gone
          WHERE job_task_counts.job_id = gone.job_id AND job_task_counts.status = gone.status;
      ELSE
        -- Only what changed: an update of a task's activity moves no count and locks nothing.
        INSERT INTO job_task_counts (job_id, status, n)
          SELECT job_id, status, SUM(k) FROM (
            SELECT job_id, status, 1 AS k FROM new_rows
            UNION ALL SELECT job_id, status, -1 AS k FROM old_rows
          ) moved
          GROUP BY job_id, status HAVING SUM(k) <> 0
          ON CONFLICT (job_id, status) DO UPDATE SET n = job_task_counts.n + EXCLUDED.n;
      END IF;
      RETURN NULL;
    END $$`);
  await knex.raw(
    `CREATE TRIGGER job_task_counts_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
     FOR EACH STATEMENT EXECUTE FUNCTION job_task_counts_follow()`,
  );
  await knex.raw(
    `CREATE TRIGGER job_task_counts_update AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
     FOR EACH STATEMENT EXECUTE FUNCTION job_task_counts_follow()`,
  );
  await knex.raw(
    `CREATE TRIGGER job_task_counts_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_rows
     FOR EACH STATEMENT EXECUTE FUNCTION job_task_counts_follow()`,
  );
}
