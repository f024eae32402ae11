// Paged, filtered lists of jobs and of a job's tasks. Every page is one SQL query with LIMIT and
// OFFSET in a stable order (a unique column breaks ties), plus one COUNT for the total, so a farm
// with 10,000s of jobs and millions of tasks is never read whole.
//
// Metadata and settings live in JSON text; their filters read it with SQLite's json_each and
// PostgreSQL's json functions. Patterns match case-sensitively on both databases, with `%` as
// the only wildcard: SQLite gets a GLOB pattern, PostgreSQL a LIKE pattern.

import type { Knex } from 'knex';
import { isPostgres, type Database } from './database.ts';
import { TASK_SUMMARY_COLUMNS, taskSummaryFromRow, withSteps, type JobRecord, type JobRow, type TaskSummaryRecord, type TaskSummaryRow } from './jobs.ts';

export const JOB_SORT_KEYS = ['created_at', 'updated_at', 'name', 'status', 'priority', 'job_type'] as const;
export type JobSortKey = (typeof JOB_SORT_KEYS)[number];

export interface JobSort {
  column: JobSortKey | 'id';
  order: 'asc' | 'desc';
}

export interface JobsQuery {
  offset: number;
  limit: number;
  /** Sort keys, first one first, `-` in front for descending (`-created_at`). */
  orderBy: readonly string[];
  /** Empty: any status. */
  statusIn: readonly string[];
  /** Metadata key → pattern (`%` is a wildcard). */
  metadata: Readonly<Record<string, string>>;
  /** Setting key → value; strings are patterns (`%` is a wildcard), numbers and booleans match exactly. */
  settings: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The ORDER BY of a jobs query: the given keys (a repeated key counts once, where it first
 * appears), newest first when none are given, and the id last so that pages never overlap.
 */
export function jobSortOrder(orderBy: readonly string[]): JobSort[] {
  const sorts: JobSort[] = [];
  for (const key of orderBy) {
    const match = /^([+-]?)([a-z_]+)$/.exec(key);
    const column = match?.[2] as JobSortKey | undefined;
    if (!match || !column || !JOB_SORT_KEYS.includes(column)) throw new RangeError(`cannot sort jobs by "${key}"`);
    if (sorts.some((sort) => sort.column === column)) continue;
    sorts.push({ column, order: match[1] === '-' ? 'desc' : 'asc' });
  }
  if (sorts.length === 0) sorts.push({ column: 'created_at', order: 'desc' });
  sorts.push({ column: 'id', order: sorts[sorts.length - 1].order });
  return sorts;
}

/** A `%`-wildcard pattern as a SQLite GLOB pattern: GLOB's own wildcards are made literal. */
export function globPattern(pattern: string): string {
  return pattern.replace(/[*?[%]/g, (c) => (c === '%' ? '*' : `[${c}]`));
}

/** A `%`-wildcard pattern as a LIKE pattern with `\` as escape: `_` and `\` are made literal. */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\_]/g, (c) => `\\${c}`);
}

export async function queryJobs(db: Database, query: JobsQuery): Promise<{ jobs: JobRecord[]; total: number }> {
  const filtered = () => applyJobFilters(db('jobs'), db, query);
  const page = filtered().select('jobs.*').offset(query.offset).limit(query.limit);
  for (const sort of jobSortOrder(query.orderBy)) page.orderBy(`jobs.${sort.column}`, sort.order);
  const rows: JobRow[] = await page;
  const [{ total }] = await filtered().count<{ total: number | string }[]>({ total: '*' });
  return { jobs: await withSteps(db, rows), total: Number(total) };
}

/**
 * JSON text that PostgreSQL's json functions refuse to read: escaped NUL characters and lone
 * surrogates (JSON.stringify writes every other character as it is). Such a job matches no
 * metadata or settings filter on PostgreSQL, rather than failing the whole query.
 */
const UNREADABLE_JSON_IN_POSTGRES = String.raw`\\u(0000|[dD][89a-fA-F])`;

function applyJobFilters(builder: Knex.QueryBuilder, db: Database, query: JobsQuery): Knex.QueryBuilder {
  if (query.statusIn.length > 0) builder.whereIn('jobs.status', query.statusIn);
  const postgres = isPostgres(db);
  for (const [key, pattern] of Object.entries(query.metadata)) {
    if (postgres) {
      builder.whereRaw(`CASE WHEN jobs.metadata ~ ? THEN false ELSE json_extract_path_text(jobs.metadata::json, ?) LIKE ? ESCAPE '\\' END`, [
        UNREADABLE_JSON_IN_POSTGRES,
        key,
        likePattern(pattern),
      ]);
    }
    else {
      builder.whereRaw(`EXISTS (SELECT 1 FROM json_each(jobs.metadata) AS m WHERE m.key = ? AND m.type = 'text' AND m.value GLOB ?)`, [key, globPattern(pattern)]);
    }
  }
  for (const [key, value] of Object.entries(query.settings)) {
    if (postgres) whereSettingPostgres(builder, key, value);
    else whereSettingSqlite(builder, key, value);
  }
  return builder;
}

function whereSettingSqlite(builder: Knex.QueryBuilder, key: string, value: string | number | boolean): void {
  const matching = 'EXISTS (SELECT 1 FROM json_each(jobs.settings) AS s WHERE s.key = ? AND';
  if (typeof value === 'string') builder.whereRaw(`${matching} s.type = 'text' AND s.value GLOB ?)`, [key, globPattern(value)]);
  else if (typeof value === 'number') builder.whereRaw(`${matching} s.type IN ('integer', 'real') AND s.value = ?)`, [key, value]);
  else builder.whereRaw(`${matching} s.type = ?)`, [key, String(value)]);
}

function whereSettingPostgres(builder: Knex.QueryBuilder, key: string, value: string | number | boolean): void {
  const setting = 'json_extract_path(jobs.settings::json, ?)';
  const text = 'json_extract_path_text(jobs.settings::json, ?)';
  // CASE rather than AND, which PostgreSQL may evaluate in any order: unreadable JSON is never
  // read, and only numbers are ever cast to numeric.
  const readable = (condition: string, bindings: unknown[]) =>
    builder.whereRaw(`CASE WHEN jobs.settings ~ ? THEN false ELSE ${condition} END`, [UNREADABLE_JSON_IN_POSTGRES, ...bindings] as Knex.RawBinding[]);
  if (typeof value === 'string') {
    readable(`CASE WHEN json_typeof(${setting}) = 'string' THEN ${text} LIKE ? ESCAPE '\\' ELSE false END`, [key, key, likePattern(value)]);
  } else if (typeof value === 'number') {
    readable(`CASE WHEN json_typeof(${setting}) = 'number' THEN CAST(${text} AS numeric) = CAST(? AS numeric) ELSE false END`, [key, key, value]);
  } else {
    readable(`CASE WHEN json_typeof(${setting}) = 'boolean' THEN ${text} = ? ELSE false END`, [key, key, String(value)]);
  }
}

export interface TasksQuery {
  offset: number;
  limit: number;
  /** Empty: any status. */
  statusIn: readonly string[];
}

/** One page of the job's tasks in task order, and how many tasks match in all. */
export async function queryJobTasks(db: Database, jobId: string, query: TasksQuery): Promise<{ tasks: TaskSummaryRecord[]; total: number }> {
  const filtered = (builder: Knex.QueryBuilder) => {
    builder.where('t.job_id', jobId);
    if (query.statusIn.length > 0) builder.whereIn('t.status', query.statusIn);
    return builder;
  };
  const rows: TaskSummaryRow[] = await filtered(db('tasks as t'))
    .leftJoin('workers as w', 'w.id', 't.worker_id')
    .orderBy('t.index_in_job')
    .offset(query.offset)
    .limit(query.limit)
    .select(TASK_SUMMARY_COLUMNS);
  const [{ total }] = await filtered(db('tasks as t')).count<{ total: number | string }[]>({ total: '*' });
  return { tasks: rows.map(taskSummaryFromRow), total: Number(total) };
}
