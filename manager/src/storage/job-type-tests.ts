// Test cases of custom job types: a job to compile, the time it is compiled at, and what it
// must give — a compiled job (task UUIDs already replaced by positions) or a compile error.

import type { CompiledJob, SubmittedJob } from '@tablao/compiler';
import type { CompileErrorBody } from '../job-types/compile-error-reply.ts';
import type { Database } from './database.ts';
import { isUniqueViolation } from './job-types.ts';

export type TestExpectation = { output: CompiledJob } | { error: CompileErrorBody };

export interface JobTypeTestFields {
  name: string;
  description: string | null;
  job: SubmittedJob;
  /** `job.created` during the compile, ISO text. */
  now: string;
  expected: TestExpectation;
}

export interface JobTypeTestRecord extends JobTypeTestFields {
  id: string;
  jobType: string;
  createdAt: string;
  updatedAt: string;
}

export interface JobTypeTestSummary {
  id: string;
  name: string;
  description: string | null;
  expectsError: boolean;
  updatedAt: string;
}

export type StoreTestResult = { status: 'saved'; test: JobTypeTestRecord } | { status: 'missing' | 'name-taken' | 'full' };

interface TestRow {
  id: string;
  job_type: string;
  name: string;
  description: string | null;
  submission: string;
  expected: string;
  now: string | null;
  expects_error: boolean | number;
  created_at: string;
  updated_at: string;
}

function fromRow(row: TestRow): JobTypeTestRecord {
  return {
    id: row.id,
    jobType: row.job_type,
    name: row.name,
    description: row.description,
    job: JSON.parse(row.submission) as SubmittedJob,
    now: row.now ?? row.created_at,
    expected: JSON.parse(row.expected) as TestExpectation,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function fieldsRow(fields: JobTypeTestFields): Record<string, unknown> {
  return {
    name: fields.name,
    description: fields.description,
    submission: JSON.stringify(fields.job),
    expected: JSON.stringify(fields.expected),
    expects_error: 'error' in fields.expected,
    now: fields.now,
  };
}

/** One page of a job type's tests, by name, without their jobs and expectations. */
export async function listJobTypeTests(
  db: Database,
  jobType: string,
  page: { offset: number; limit: number },
): Promise<{ tests: JobTypeTestSummary[]; total: number }> {
  const rows = await db('job_type_tests')
    .where('job_type', jobType)
    .orderBy([{ column: 'name' }, { column: 'id' }])
    .offset(page.offset)
    .limit(page.limit)
    .select<Pick<TestRow, 'id' | 'name' | 'description' | 'expects_error' | 'updated_at'>[]>('id', 'name', 'description', 'expects_error', 'updated_at');
  return {
    tests: rows.map((row) => ({
      id: row.id,
      name: row.name,
      description: row.description,
      expectsError: Boolean(row.expects_error),
      updatedAt: row.updated_at,
    })),
    total: await countJobTypeTests(db, jobType),
  };
}

/** The ids of a job type's tests, by name: runs load one test at a time. */
export async function jobTypeTestIds(db: Database, jobType: string): Promise<string[]> {
  const rows = await db('job_type_tests').where('job_type', jobType).orderBy([{ column: 'name' }, { column: 'id' }]).select<{ id: string }[]>('id');
  return rows.map((row) => row.id);
}

export async function countJobTypeTests(db: Database, jobType: string): Promise<number> {
  const counted = await db('job_type_tests').where('job_type', jobType).count<{ count: number | string }[]>({ count: '*' });
  return Number(counted[0]?.count ?? 0);
}

/** How many tests each job type that has any has. */
export async function countTestsPerJobType(db: Database): Promise<Map<string, number>> {
  const rows = await db('job_type_tests').groupBy('job_type').select<{ job_type: string; count: number | string }[]>('job_type', db.raw('count(*) as count'));
  return new Map(rows.map((row) => [row.job_type, Number(row.count)]));
}

export async function fetchJobTypeTest(db: Database, jobType: string, id: string): Promise<JobTypeTestRecord | undefined> {
  const row = await db('job_type_tests').where({ job_type: jobType, id }).first<TestRow | undefined>();
  return row ? fromRow(row) : undefined;
}

/**
 * Stores a new test, unless the job type is gone ('missing'), has `maxTests` already ('full')
 * or has a test of this name ('name-taken').
 */
export async function insertJobTypeTest(
  db: Database,
  test: { id: string; jobType: string; fields: JobTypeTestFields; savedAt: string },
  maxTests: number,
): Promise<StoreTestResult> {
  const { id, jobType, fields, savedAt } = test;
  try {
    return await db.transaction(async (trx): Promise<StoreTestResult> => {
      // Touching the job type's row locks it, so concurrent creations are counted one after the other.
      const locked = await trx('job_types').where('name', jobType).update({ updated_at: trx.ref('updated_at') });
      if (locked === 0) return { status: 'missing' };
      if ((await countJobTypeTests(trx, jobType)) >= maxTests) return { status: 'full' };
      if (await nameTaken(trx, jobType, fields.name)) return { status: 'name-taken' };
      await trx('job_type_tests').insert({ id, job_type: jobType, ...fieldsRow(fields), created_at: savedAt, updated_at: savedAt });
      return { status: 'saved', test: { ...fields, id, jobType, createdAt: savedAt, updatedAt: savedAt } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { status: 'name-taken' };
    throw error;
  }
}

/** Replaces a test's name, job and expectation; 'missing' when the job type has no such test. */
export async function replaceJobTypeTest(
  db: Database,
  jobType: string,
  id: string,
  fields: JobTypeTestFields,
  savedAt: string,
): Promise<StoreTestResult> {
  try {
    return await db.transaction(async (trx): Promise<StoreTestResult> => {
      const existing = await trx('job_type_tests').where({ job_type: jobType, id }).first<TestRow | undefined>('id', 'created_at');
      if (!existing) return { status: 'missing' };
      if (await nameTaken(trx, jobType, fields.name, id)) return { status: 'name-taken' };
      await trx('job_type_tests').where({ job_type: jobType, id }).update({ ...fieldsRow(fields), updated_at: savedAt });
      return { status: 'saved', test: { ...fields, id, jobType, createdAt: existing.created_at, updatedAt: savedAt } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { status: 'name-taken' };
    throw error;
  }
}

export async function deleteJobTypeTest(db: Database, jobType: string, id: string): Promise<boolean> {
  return (await db('job_type_tests').where({ job_type: jobType, id }).delete()) > 0;
}

async function nameTaken(db: Database, jobType: string, name: string, exceptId?: string): Promise<boolean> {
  const query = db('job_type_tests').where({ job_type: jobType, name });
  if (exceptId) query.andWhereNot('id', exceptId);
  return (await query.first('id')) !== undefined;
}
