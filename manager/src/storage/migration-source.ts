// The migrations, listed in code: Knex's file-system loader would need them built to .js.

import type { Knex } from 'knex';
import * as initial from './migrations/001-initial.ts';
import * as jobTypeHistory from './migrations/002-job-type-history.ts';
import * as jobAndTaskLookups from './migrations/003-job-and-task-lookups.ts';
import * as taskDispatchIndexes from './migrations/004-task-dispatch-indexes.ts';
import * as jobTaskCounts from './migrations/005-job-task-counts.ts';
import * as activeTasksByWorker from './migrations/006-active-tasks-by-worker.ts';
import * as taskCountsAtSubmission from './migrations/007-task-counts-at-submission.ts';
import * as fewerTaskIndexes from './migrations/008-fewer-task-indexes.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-job-type-history': jobTypeHistory,
  '003-job-and-task-lookups': jobAndTaskLookups,
  '004-task-dispatch-indexes': taskDispatchIndexes,
  '005-job-task-counts': jobTaskCounts,
  '006-active-tasks-by-worker': activeTasksByWorker,
  '007-task-counts-at-submission': taskCountsAtSubmission,
  '008-fewer-task-indexes': fewerTaskIndexes,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
