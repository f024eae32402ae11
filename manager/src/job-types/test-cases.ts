// Saved test cases of custom job types: a job, the time it is compiled at, and what it must
// give. A test without an expectation records what the current script gives. Running the
// tests compiles each job again, with the stored script or an unsaved one, and compares.
//
// Outputs are kept and compared with task UUIDs replaced by positions; errors by kind,
// message, location and problems. The job's `type_etag` is ignored: a test is about the
// tasks a script makes, and every change to JOB_TYPE would otherwise break every test.

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { CompileError, type CompiledJob, type JobCompiler, type JobTypeSource, type SubmittedJob } from '@tablao/compiler';
import { timestamp, type Clock } from '../clock.ts';
import { badRequest, conflict, notFound } from '../http/http-error.ts';
import type { Database } from '../storage/database.ts';
import {
  fetchJobTypeTest,
  insertJobTypeTest,
  jobTypeTestIds,
  replaceJobTypeTest,
  type JobTypeTestFields,
  type JobTypeTestRecord,
  type StoreTestResult,
  type TestExpectation,
} from '../storage/job-type-tests.ts';
import { compileErrorBody, compileErrorReply, type CompileErrorBody } from './compile-error-reply.ts';
import { readOnly } from './custom-job-types.ts';
import { withoutTypeEtag } from './dry-run.ts';
import type { JobTypeEntry, JobTypeRegistry } from './registry.ts';
import { requireStorableText } from './storable-text.ts';
import { normaliseTaskIds } from './task-positions.ts';

export interface TestCaseServices {
  db: Database;
  compiler: JobCompiler;
  registry: JobTypeRegistry;
  clock: Clock;
}

/** The most tests one job type may have. */
export const MAX_TESTS_PER_JOB_TYPE = 100;

/** A test as clients send it (`JobTypeTestInput`). */
export interface TestCaseInput {
  name: string;
  description?: string;
  job: SubmittedJob;
  now?: string;
  expected_output?: CompiledJob;
  expected_error?: CompileErrorBody;
}

export interface TestResult {
  testId: string;
  name: string;
  outcome: 'passed' | 'changed';
  /** What a changed test produced. */
  actual?: TestExpectation;
}

export interface TestRun {
  source: 'stored' | 'unsaved';
  /** The stored version tested (custom job types, stored source). */
  version?: number;
  results: TestResult[];
}

/** Saves a new test (`testId` undefined) or replaces one. */
export async function saveTestCase(
  services: TestCaseServices,
  jobType: string,
  testId: string | undefined,
  input: TestCaseInput,
): Promise<JobTypeTestRecord> {
  requireStorableText({ name: input.name, description: input.description });
  const entry = await requireCustomForTests(services, jobType, testId);
  if (input.job.type !== jobType) {
    throw badRequest(`the test's job has type "${input.job.type}", but the test belongs to job type "${jobType}": set "job.type" to "${jobType}"`);
  }
  // Written as UTC ISO text, so any offset the client used fits the column and sorts.
  const now = new Date(input.now ?? timestamp(services.clock)).toISOString();
  const fields: JobTypeTestFields = {
    name: input.name,
    description: input.description ?? null,
    job: input.job,
    now,
    expected: await expectation(services, entry.source, input, now),
  };
  const savedAt = timestamp(services.clock);
  const result =
    testId === undefined
      ? await insertJobTypeTest(services.db, { id: randomUUID(), jobType, fields, savedAt }, MAX_TESTS_PER_JOB_TYPE)
      : await replaceJobTypeTest(services.db, jobType, testId, fields, savedAt);
  return stored(result, jobType, input.name, testId);
}

/** Runs the job type's tests (all, or those of `test_ids`) against the stored script or an unsaved `source`. */
export async function runTestCases(
  services: TestCaseServices,
  jobType: string,
  request: { source?: string; test_ids?: string[] },
): Promise<TestRun> {
  const entry = await services.registry.entry(jobType);
  if (!entry) throw notFound(`there is no job type "${jobType}"`);
  const source = request.source === undefined ? entry.source : await services.registry.unsavedSource(jobType, request.source);
  try {
    await services.compiler.readJobType(source);
  } catch (error) {
    if (error instanceof CompileError) throw compileErrorReply(error);
    throw error;
  }

  let ids = await jobTypeTestIds(services.db, jobType);
  if (request.test_ids) {
    const wanted = new Set(request.test_ids);
    const unknown = request.test_ids.filter((id) => !ids.includes(id));
    if (unknown.length > 0) throw notFound(`job type "${jobType}" has no test ${unknown.join(', ')}; list its tests with GET /api/v3/jobs/type/${jobType}/tests`);
    ids = ids.filter((id) => wanted.has(id));
  }

  // One test at a time: an expected output may be large.
  const results: TestResult[] = [];
  for (const id of ids) {
    const test = await fetchJobTypeTest(services.db, jobType, id);
    if (!test) continue; // deleted during the run
    const actual = await compileTest(services.compiler, source, test.job, test.now);
    const passed = sameOutcome(test.expected, actual);
    results.push({ testId: test.id, name: test.name, outcome: passed ? 'passed' : 'changed', ...(passed ? {} : { actual }) });
  }
  return {
    source: request.source === undefined ? 'stored' : 'unsaved',
    ...(request.source === undefined && entry.version !== undefined ? { version: entry.version } : {}),
    results,
  };
}

/** Whether a test's outcome is the one it expects. */
export function sameOutcome(expected: TestExpectation, actual: TestExpectation): boolean {
  if ('output' in expected && 'output' in actual) return isDeepStrictEqual(expected.output, actual.output);
  if ('error' in expected && 'error' in actual) return isDeepStrictEqual(errorFacts(expected.error), errorFacts(actual.error));
  return false;
}

/** Compiles a test's job: its output with task UUIDs as positions, or its compile error. */
async function compileTest(compiler: JobCompiler, source: JobTypeSource, job: SubmittedJob, now: string): Promise<TestExpectation> {
  try {
    return { output: normaliseTaskIds(await compiler.compile(source, withoutTypeEtag(job), { now: new Date(now) })) };
  } catch (error) {
    if (error instanceof CompileError) return { error: compileErrorBody(error) };
    throw error;
  }
}

async function expectation(services: TestCaseServices, source: JobTypeSource, input: TestCaseInput, now: string): Promise<TestExpectation> {
  if (input.expected_output) return { output: normaliseTaskIds(input.expected_output) };
  if (input.expected_error) return { error: { ...errorFacts(input.expected_error), code: input.expected_error.code } };
  const recorded = await compileTest(services.compiler, source, input.job, now);
  if ('error' in recorded && recorded.error.kind === 'submission') {
    throw badRequest(`the test's job is not a valid submission: ${recorded.error.message}`);
  }
  return recorded;
}

/** What makes two compile errors the same: not the status code, nor the log. */
function errorFacts(error: CompileErrorBody): Omit<CompileErrorBody, 'code'> {
  return {
    kind: error.kind,
    message: error.message,
    ...(error.location ? { location: { file: error.location.file, line: error.location.line, column: error.location.column } } : {}),
    ...(error.problems ? { problems: error.problems.map((p) => ({ setting: p.setting, message: p.message })) } : {}),
  };
}

/** The custom job type's entry: tests are kept for custom job types only. */
async function requireCustomForTests(services: TestCaseServices, jobType: string, testId: string | undefined): Promise<JobTypeEntry> {
  const entry = await services.registry.entry(jobType);
  if (!entry) throw notFound(`there is no job type "${jobType}"`);
  if (entry.origin === 'custom') return entry;
  if (testId !== undefined) throw notFound(`job type "${jobType}" has no test ${testId}: test cases are kept for custom job types only`);
  throw conflict(`${readOnly(jobType, entry).message}; test cases are kept for custom job types only`);
}

function stored(result: StoreTestResult, jobType: string, name: string, testId: string | undefined): JobTypeTestRecord {
  switch (result.status) {
    case 'saved':
      return result.test;
    case 'missing':
      throw notFound(testId === undefined ? `job type "${jobType}" was deleted while the test was saved` : `job type "${jobType}" has no test ${testId}`);
    case 'full':
      throw conflict(`job type "${jobType}" has ${MAX_TESTS_PER_JOB_TYPE} tests, as many as it may have; delete or reuse one first`);
    case 'name-taken':
      throw conflict(`job type "${jobType}" has another test named "${name}"; choose another name`);
  }
}
