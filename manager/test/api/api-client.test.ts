// The typed client of api-client/ against a real manager: the paths, bodies and answers it
// is typed with are the ones the manager serves.

import assert from 'node:assert/strict';
import { createTablaoClient, type Schema } from '@tablao/api-client';
import { onEachDatabase } from '../support/test-manager.ts';

const echoJob: Schema<'SubmittedJob'> = {
  name: 'client test',
  type: 'echo-sleep-test',
  priority: 40,
  submitter_platform: 'linux',
  settings: { message: 'from the client', sleep_repeats: 1 },
  metadata: { project: 'api-client' },
};

onEachDatabase('api-client', (manager) => {
  const client = () => createTablaoClient(`${manager().url}/`);

  it('reads the version', async () => {
    const { data, error, response } = await client().GET('/api/v3/version');
    assert.equal(response.status, 200);
    assert.equal(error, undefined);
    assert.equal(data?.shortversion, '3.9');
    assert.equal(data?.name, 'Test Manager');
  });

  it('submits a job and fetches it back', async () => {
    const submitted = await client().POST('/api/v3/jobs', { body: echoJob });
    assert.equal(submitted.response.status, 200, JSON.stringify(submitted.error));
    const job = submitted.data;
    assert.ok(job);
    assert.equal(job.status, 'queued');
    assert.deepEqual(job.metadata, { project: 'api-client' });

    const fetched = await client().GET('/api/v3/jobs/{job_id}', { params: { path: { job_id: job.id } } });
    assert.equal(fetched.response.status, 200);
    assert.deepEqual(fetched.data, job);
  });

  it('hands over the manager’s errors as typed values', async () => {
    const missing = await client().GET('/api/v3/jobs/{job_id}', { params: { path: { job_id: '00000000-0000-4000-8000-000000000001' } } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.data, undefined);
    assert.equal(missing.error?.code, 404);
    assert.match(missing.error?.message ?? '', /no job 00000000-0000-4000-8000-000000000001/);

    const refused = await client().POST('/api/v3/jobs', { body: { ...echoJob, settings: { message: 'x', sleep_repeats: 'many' } } });
    assert.equal(refused.response.status, 400);
    const error = refused.error;
    assert.ok(error && 'kind' in error, `a compile error, not ${JSON.stringify(error)}`);
    assert.equal(error.kind, 'settings');
    assert.ok(error.problems?.some((problem) => problem.setting === 'sleep_repeats'));
  });
});
