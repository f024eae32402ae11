// Job types, their versions and test cases → the API's JSON shapes (`JobTypeSource`,
// `JobTypeCatalogEntry`, `JobTypeVersionInfo`, `JobTypeTest`, …).

import type { Schema } from '@tablao/api-client';
import type { JobTypeTestRecord, JobTypeTestSummary } from '../storage/job-type-tests.ts';
import type { CustomJobTypeVersion, CustomJobTypeVersionSummary } from '../storage/job-types.ts';
import { compiledJobJson, submittedJobJson } from '../handlers/script-values.ts';
import { compileErrorBody } from './compile-error-reply.ts';
import type { BrokenJobType, JobTypeEntry, LoadedJobType } from './registry.ts';
import type { TestResult } from './test-cases.ts';

export function catalogEntry(type: LoadedJobType, testCount: number): Schema<'JobTypeCatalogEntry'> {
  return {
    name: type.info.name,
    origin: type.origin,
    editable: type.origin === 'custom',
    label: type.info.label,
    ...(type.info.description !== undefined ? { description: type.info.description } : {}),
    etag: type.info.etag,
    settings_count: type.info.settings?.length ?? 0,
    ...customFields(type),
    test_count: testCount,
  };
}

export function brokenCatalogEntry(type: BrokenJobType, testCount: number): Schema<'JobTypeCatalogEntry'> {
  return {
    name: type.source.name,
    origin: type.origin,
    editable: type.origin === 'custom',
    ...customFields(type),
    test_count: testCount,
    load_error: compileErrorBody(type.error),
  };
}

function customFields(entry: JobTypeEntry): Pick<Schema<'JobTypeCatalogEntry'>, 'version' | 'updated'> {
  return {
    ...(entry.version !== undefined ? { version: entry.version } : {}),
    ...(entry.updatedAt !== undefined ? { updated: entry.updatedAt } : {}),
  };
}

/** A built-in or folder script; `etag` is missing when it does not load. */
export function readOnlySource(entry: JobTypeEntry, etag: string | undefined): Schema<'JobTypeSource'> {
  return {
    name: entry.source.name,
    origin: entry.origin,
    editable: false,
    ...(etag !== undefined ? { etag } : {}),
    source: entry.source.source,
  };
}

export function versionSource(version: CustomJobTypeVersion): Schema<'JobTypeSource'> {
  return {
    name: version.name,
    origin: 'custom',
    editable: true,
    version: version.version,
    etag: version.etag,
    created: version.createdAt,
    ...(version.comment !== null ? { message: version.comment } : {}),
    source: version.source,
  };
}

export function versionInfo(version: CustomJobTypeVersionSummary): Schema<'JobTypeVersionInfo'> {
  return {
    version: version.version,
    etag: version.etag,
    created: version.createdAt,
    ...(version.comment !== null ? { message: version.comment } : {}),
    ...(version.rolledBackFrom !== null ? { rolled_back_from: version.rolledBackFrom } : {}),
    size: version.size,
  };
}

export function testCase(test: JobTypeTestRecord): Schema<'JobTypeTest'> {
  return {
    id: test.id,
    job_type: test.jobType,
    name: test.name,
    ...(test.description !== null ? { description: test.description } : {}),
    job: submittedJobJson(test.job),
    now: test.now,
    ...('output' in test.expected ? { expected_output: compiledJobJson(test.expected.output) } : { expected_error: test.expected.error }),
    created: test.createdAt,
    updated: test.updatedAt,
  };
}

export function testSummary(test: JobTypeTestSummary): Schema<'JobTypeTestSummary'> {
  return {
    id: test.id,
    name: test.name,
    ...(test.description !== null ? { description: test.description } : {}),
    expects_error: test.expectsError,
    updated: test.updatedAt,
  };
}

/** A test's result; a changed one carries what was produced. */
export function testResult(result: TestResult): Schema<'JobTypeTestResult'> {
  return {
    test_id: result.testId,
    name: result.name,
    outcome: result.outcome,
    ...(result.actual === undefined
      ? {}
      : 'output' in result.actual
        ? { actual_output: compiledJobJson(result.actual.output) }
        : { actual_error: result.actual.error }),
  };
}
