// Job-type operations: the list the add-on builds its forms from and one type (Flamenco's),
// and Tablao's management of job types — catalog, custom types with their version history,
// and dry-runs of jobs against stored or unsaved scripts. Test cases are in job-type-tests.ts.

import { CompileError } from '@tablao/compiler';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import { notFound } from '../http/http-error.ts';
import {
  createCustomJobType,
  deleteCustomJobTypeNamed,
  MAX_JOB_TYPES,
  rollBackCustomJobType,
  saveCustomJobTypeSource,
} from '../job-types/custom-job-types.ts';
import { dryRun } from '../job-types/dry-run.ts';
import { brokenCatalogEntry, catalogEntry, readOnlySource, versionInfo, versionSource } from '../job-types/job-type-json.ts';
import { compileErrorResponse } from '../jobs/compile-error-response.ts';
import { countTestsPerJobType } from '../storage/job-type-tests.ts';
import { customJobTypeVersion, listCustomJobTypeVersions } from '../storage/job-types.ts';
import type { ManagerServices } from './context.ts';
import { jobTypeTestHandlers } from './job-type-tests.ts';
import { compiledJobJson } from './script-values.ts';
import { submissionWithVariables } from './variables.ts';

export function jobTypeHandlers(services: ManagerServices) {
  const withVariables = submissionWithVariables(services);
  /** A custom job type's name, or 404 saying why there is no history. */
  const versioned = async (name: string): Promise<string> => {
    const entry = await services.registry.entry(name);
    if (!entry) throw notFound(`there is no job type "${name}"`);
    if (entry.origin !== 'custom') {
      throw notFound(`job type "${name}" is ${entry.origin === 'built-in' ? 'built in' : 'a folder script'} and has no version history; only custom job types are versioned`);
    }
    return name;
  };

  return {
    ...jobTypeTestHandlers(services),

    getJobTypes: async () => {
      const { loaded, broken } = await services.registry.list();
      for (const type of broken) {
        services.log.warn({ jobType: type.source.name, origin: type.origin, error: type.error.message }, 'job type cannot be loaded');
      }
      return { job_types: loaded.map((t) => t.info) };
    },

    getJobType: async ({ params }) => {
      const name = params.typeName;
      try {
        const type = await services.registry.get(name);
        if (!type) throw notFound(`there is no job type "${name}"`);
        return type.info;
      } catch (error) {
        if (error instanceof CompileError) throw compileErrorResponse(error);
        throw error;
      }
    },

    getJobTypeCatalog: async () => {
      const { loaded, broken } = await services.registry.list();
      const tests = await countTestsPerJobType(services.db);
      const count = (name: string, origin: string) => (origin === 'custom' ? (tests.get(name) ?? 0) : 0);
      const entries = [
        ...loaded.map((t) => ({ name: t.info.name, json: catalogEntry(t, count(t.info.name, t.origin)) })),
        ...broken.map((t) => ({ name: t.source.name, json: brokenCatalogEntry(t, count(t.source.name, t.origin)) })),
      ];
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { job_types: entries.slice(0, MAX_JOB_TYPES).map((e) => e.json) };
    },

    createJobType: async ({ body }) => {
      const created = await createCustomJobType(services, body);
      return new Reply(201, versionSource(created), { Location: `/api/v3/jobs/type/${created.name}/source` });
    },

    deleteJobType: async ({ params }) => {
      await deleteCustomJobTypeNamed(services, params.typeName);
    },

    getJobTypeSource: async ({ params }) => {
      const name = params.typeName;
      const entry = await services.registry.entry(name);
      if (!entry) throw notFound(`there is no job type "${name}"`);
      if (entry.origin === 'custom' && entry.version !== undefined) {
        const current = await customJobTypeVersion(services.db, name, entry.version);
        if (!current) throw notFound(`job type "${name}" was deleted a moment ago`);
        return versionSource(current);
      }
      let etag: string | undefined;
      try {
        etag = (await services.compiler.readJobType(entry.source)).etag;
      } catch (error) {
        // A folder script that does not load is still shown, so that it can be fixed.
        if (!(error instanceof CompileError)) throw error;
      }
      return readOnlySource(entry, etag);
    },

    updateJobTypeSource: async ({ params, body }) => versionSource(await saveCustomJobTypeSource(services, params.typeName, body)),

    fetchJobTypeVersions: async ({ params, query }) => {
      const name = await versioned(params.typeName);
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 50;
      const { versions, total } = await listCustomJobTypeVersions(services.db, name, { offset, limit });
      return { name, versions: versions.map(versionInfo), total, offset, limit };
    },

    fetchJobTypeVersion: async ({ params }) => {
      const name = await versioned(params.typeName);
      const number = params.version;
      const version = await customJobTypeVersion(services.db, name, number);
      if (!version) throw notFound(`job type "${name}" has no version ${number}; GET /api/v3/jobs/type/${name}/versions lists them`);
      return versionSource(version);
    },

    rollbackJobType: async ({ params, body }) => versionSource(await rollBackCustomJobType(services, params.typeName, body)),

    // Compiled as it would be submitted: with the submitter's two-way variable values put back.
    dryRunJob: async ({ body }) => compiledJobJson(await dryRun(services, { ...body, job: withVariables(body.job) })),
  } satisfies OperationHandlers;
}
