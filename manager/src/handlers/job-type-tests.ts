// Test cases of job types: list, save (recording the current output when no expectation is
// given), read, replace, delete, and run them against the stored or an unsaved script.

import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import { notFound } from '../http/http-error.ts';
import { testCase, testResult, testSummary } from '../job-types/job-type-json.ts';
import { runTestCases, saveTestCase } from '../job-types/test-cases.ts';
import { deleteJobTypeTest, fetchJobTypeTest, listJobTypeTests } from '../storage/job-type-tests.ts';
import type { ManagerServices } from './context.ts';

export function jobTypeTestHandlers(services: ManagerServices) {
  const knownType = async (name: string): Promise<string> => {
    if (!(await services.registry.entry(name))) throw notFound(`there is no job type "${name}"`);
    return name;
  };
  const noTest = (jobType: string, id: string) =>
    notFound(`job type "${jobType}" has no test ${id}; GET /api/v3/jobs/type/${jobType}/tests lists its tests`);

  return {
    fetchJobTypeTests: async ({ params, query }) => {
      const jobType = await knownType(params.typeName);
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 100;
      const { tests, total } = await listJobTypeTests(services.db, jobType, { offset, limit });
      return { job_type: jobType, tests: tests.map(testSummary), total, offset, limit };
    },

    createJobTypeTest: async ({ params, body }) => {
      const test = await saveTestCase(services, params.typeName, undefined, body);
      return new Reply(201, testCase(test), { Location: `/api/v3/jobs/type/${test.jobType}/tests/${test.id}` });
    },

    fetchJobTypeTest: async ({ params }) => {
      const jobType = await knownType(params.typeName);
      const test = await fetchJobTypeTest(services.db, jobType, params.test_id);
      if (!test) throw noTest(jobType, params.test_id);
      return testCase(test);
    },

    updateJobTypeTest: async ({ params, body }) => testCase(await saveTestCase(services, params.typeName, params.test_id, body)),

    deleteJobTypeTest: async ({ params }) => {
      const jobType = await knownType(params.typeName);
      if (!(await deleteJobTypeTest(services.db, jobType, params.test_id))) throw noTest(jobType, params.test_id);
    },

    runJobTypeTests: async ({ params, body }) => {
      const jobType = params.typeName;
      const run = await runTestCases(services, jobType, body ?? {});
      const passed = run.results.filter((r) => r.outcome === 'passed').length;
      return {
        job_type: jobType,
        source: run.source,
        ...(run.version !== undefined ? { version: run.version } : {}),
        passed,
        changed: run.results.length - passed,
        results: run.results.map(testResult),
      };
    },
  } satisfies OperationHandlers;
}
