// A stored job tells which version of its custom job type compiled it, and fetchJob gives the
// compile log the script printed (the studio's job page shows both).

import assert from 'node:assert/strict';
import { onEachDatabase } from '../support/test-manager.ts';

const PRINTING_TYPE = `
const JOB_TYPE = { label: 'Printing', settings: [{ key: 'frames', type: 'string', default: '1-3' }] };
function compileJob(job) {
  print('frames', job.settings.frames);
  alert('just a warning');
  const task = author.Task('only', 'misc');
  task.addCommand(author.Command('echo', { message: 'hi' }));
  job.addTask(task);
}
`;

onEachDatabase('job compile record', (manager) => {
  it('keeps the job type version and the compile log with the job', async () => {
    assert.equal((await manager().request('POST', '/api/v3/jobs/types', { name: 'printing', source: PRINTING_TYPE })).status, 201);
    assert.equal((await manager().request('PUT', '/api/v3/jobs/type/printing/source', { source: PRINTING_TYPE.replace('1-3', '1-4'), expected_version: 1 })).status, 200);
    const submitted = await manager().request('POST', '/api/v3/jobs', { name: 'printed', type: 'printing', priority: 50, submitter_platform: 'linux' });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.body.type_version, 2);
    const fetched = await manager().request('GET', `/api/v3/jobs/${submitted.body.id}`);
    assert.equal(fetched.body.type_version, 2);
    assert.deepEqual(fetched.body.compile_log, [
      { level: 'print', message: 'frames 1-4' },
      { level: 'alert', message: 'just a warning' },
    ]);
    const listed = await manager().request('GET', '/api/v3/jobs');
    const inList = listed.body.jobs.find((job: { id: string }) => job.id === submitted.body.id);
    assert.equal(inList.type_version, 2);
    assert.equal(inList.compile_log, undefined, 'lists leave the log out');
  });

  it('has no type version for built-in job types', async () => {
    const submitted = await manager().request('POST', '/api/v3/jobs', { name: 'echo', type: 'echo-sleep-test', priority: 50, submitter_platform: 'linux', settings: { message: 'hi' } });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.body.type_version, undefined);
  });
});
