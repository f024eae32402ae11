// The handler types check handlers against the OpenAPI document. The `@ts-expect-error` lines
// are the assertions: `npm run typecheck` fails when one of them stops being an error, that is,
// when the types would let a handler answer something the document does not allow.

import assert from 'node:assert/strict';
import type { OperationHandlers } from '../../src/http/operation-types.ts';
import { Reply } from '../../src/http/router.ts';

const fine = {
  getVersion: () => ({ version: '3.9 (test)', shortversion: '3.9', name: 'test', git: 'test' }),
  fetchJob: ({ params }) => {
    const jobId: string = params.job_id;
    throw new Error(`not here: ${jobId}`);
  },
  submitJobCheck: ({ body }) => {
    const priority: number = body.priority;
    assert.ok(priority >= 0);
  },
  fetchJobs: () => new Reply(200, { jobs: [] }, { 'X-Total-Count': '0' }),
  workerState: () => Reply.withoutBody(204),
  scheduleTask: () => new Reply(423, { status_requested: 'asleep' as const }),
} satisfies OperationHandlers;

const wrong = {
  // @ts-expect-error -- a FlamencoVersion has string fields
  getVersion: () => ({ version: 3.9, shortversion: '3.9', name: 'test', git: 'test' }),
  fetchJob: ({ params }) => {
    // @ts-expect-error -- fetchJob has no such path parameter
    return params.jobId;
  },
  // @ts-expect-error -- getConfiguration declares no 204, so answering nothing is not allowed
  getConfiguration: () => undefined,
  // @ts-expect-error -- fetchJobs declares no 201
  fetchJobs: () => new Reply(201, { jobs: [] }),
  // @ts-expect-error -- a 423 carries the status the worker must change to
  scheduleTask: () => new Reply(423, { status_requested: 'sleepy' as const }),
} satisfies OperationHandlers;

const unknown = {
  // @ts-expect-error -- there is no such operation
  fetchJobz: () => undefined,
} satisfies OperationHandlers;

describe('operation handler types', function () {
  it('are checked by the compiler (see the @ts-expect-error lines)', function () {
    assert.equal(typeof fine.getVersion, 'function');
    assert.equal(typeof wrong.getVersion, 'function');
    assert.equal(typeof unknown.fetchJobz, 'function');
  });
});
