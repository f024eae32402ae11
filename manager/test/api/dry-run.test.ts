import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { echoSubmission } from '../support/submissions.ts';
import { onEachDatabase } from '../support/test-manager.ts';

const echoJob = (settings?: Record<string, string | number>) => echoSubmission({ metadata: { project: 'tests' }, ...(settings ? { settings } : {}) });

/** Prints the job's creation time, then makes one task per frame of `frames`. */
const clockScript = `
const JOB_TYPE = { label: 'Clock', settings: [{ key: 'frames', type: 'string', default: '1-2' }] };
function compileJob(job) {
  print('created', job.created.toISOString());
  for (const chunk of frameChunker(job.settings.frames, 1)) {
    const task = author.Task('frame ' + chunk, 'misc');
    task.addCommand(author.Command('echo', { message: chunk }));
    job.addTask(task);
  }
}
`;

const clockJob = (type = 'clock', settings: Record<string, unknown> = {}) => ({
  name: 'clock job',
  type,
  priority: 40,
  submitter_platform: 'linux',
  settings,
});

onEachDatabase('dry-run API', (manager) => {
  const dryRun = (body: unknown) => manager().request('POST', '/api/v3/jobs/dry-run', body);
  const jobCount = async () => Number((await manager().request('GET', '/api/v3/jobs')).headers.get('x-total-count'));

  it('compiles a job against a stored job type and returns its tasks and log, storing nothing', async () => {
    const before = await jobCount();
    const compiled = await dryRun({ job: echoJob() });
    assert.equal(compiled.status, 200, compiled.text);
    assert.deepEqual(compiled.body.job, {
      name: 'echo test',
      type: 'echo-sleep-test',
      priority: 50,
      settings: { message: 'hello', sleep_repeats: 2, sleep_duration_seconds: 1 },
      metadata: { project: 'tests' },
    });
    assert.deepEqual(
      compiled.body.tasks.map((t: { name: string; type: string }) => [t.name, t.type]),
      [
        ['echo', 'misc'],
        ['sleep', 'misc'],
        ['sleep', 'misc'],
      ],
    );
    const [echo, sleep] = compiled.body.tasks;
    assert.match(echo.uuid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(sleep.dependencies, [echo.uuid]);
    assert.deepEqual(echo.commands, [{ name: 'echo', parameters: { message: 'hello' }, totalStepCount: 0 }]);
    assert.deepEqual(compiled.body.log, []);
    assert.equal(await jobCount(), before);
  });

  it('compiles an unsaved script as the job type named in the job, at a fixed time, without storing the type', async () => {
    const compiled = await dryRun({ job: clockJob('clock', { frames: '1-3' }), source: clockScript, now: '2031-05-06T07:08:09+02:00' });
    assert.equal(compiled.status, 200, compiled.text);
    assert.deepEqual(compiled.body.log, [{ level: 'print', message: 'created 2031-05-06T05:08:09.000Z' }]);
    assert.deepEqual(
      compiled.body.tasks.map((t: { name: string }) => t.name),
      ['frame 1', 'frame 2', 'frame 3'],
    );
    assert.equal(compiled.body.job.type, 'clock');
    assert.equal(compiled.body.job.priority, 40);
    assert.equal((await manager().request('GET', '/api/v3/jobs/type/clock')).status, 404);
  });

  it('compiles an unsaved version of an existing job type, ignoring the etag', async () => {
    const edited = "const JOB_TYPE = { label: 'Echo, edited', settings: [] };\nfunction compileJob(job) {\n  const t = author.Task('edited', 'misc');\n  t.addCommand(author.Command('echo', { message: 'edited' }));\n  job.addTask(t);\n}\n";
    const compiled = await dryRun({ job: { ...echoJob({}), type_etag: 'an-old-etag' }, source: edited });
    assert.equal(compiled.status, 200, compiled.text);
    assert.deepEqual(compiled.body.tasks.map((t: { name: string }) => t.name), ['edited']);
    const stored = await manager().request('GET', '/api/v3/jobs/type/echo-sleep-test');
    assert.equal(stored.body.label, 'Echo Sleep Test');
  });

  it('compiles against a stored custom job type', async () => {
    const created = await manager().request('POST', '/api/v3/jobs/types', { name: 'stored-clock', source: clockScript });
    assert.equal(created.status, 201, created.text);
    const compiled = await dryRun({ job: { ...clockJob('stored-clock'), type_etag: created.body.etag }, now: '2030-01-01T00:00:00Z' });
    assert.equal(compiled.status, 200, compiled.text);
    assert.deepEqual(compiled.body.log, [{ level: 'print', message: 'created 2030-01-01T00:00:00.000Z' }]);
    assert.equal(compiled.body.tasks.length, 2);
  });

  it('refuses a script that throws with 422, where, and what it printed first', async () => {
    const throwing = "const JOB_TYPE = { label: 'Thrower', settings: [] };\nfunction compileJob(job) {\n  print('about to fail');\n  throw new Error('no frames given');\n}\n";
    const refused = await dryRun({ job: clockJob('thrower'), source: throwing });
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.body.code, 422);
    assert.equal(refused.body.kind, 'script');
    assert.match(refused.body.message, /no frames given/);
    assert.deepEqual(refused.body.location, { file: 'thrower.js', line: 4, column: refused.body.location.column });
    assert.deepEqual(refused.body.log, [{ level: 'print', message: 'about to fail' }]);
  });

  it('refuses unsaved scripts that do not load, with the line', async () => {
    const refused = await dryRun({ job: clockJob('typo'), source: "const JOB_TYPE = { label: 'Typo', settings: [] };\nfunction compileJob(job) {\n  job.addTask(;\n}\n" });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.kind, 'script');
    assert.equal(refused.body.location.file, 'typo.js');
    assert.equal(refused.body.location.line, 3);
    const incomplete = await dryRun({ job: clockJob('no-type'), source: 'function compileJob(job) {}\n' });
    assert.equal(incomplete.status, 422);
    assert.equal(incomplete.body.kind, 'incomplete');
  });

  it('refuses a job of a stored folder script that does not load with 422', async () => {
    const scripts = join(manager().dataDir, 'scripts');
    await mkdir(scripts, { recursive: true });
    await writeFile(join(scripts, 'unfinished.js'), "const JOB_TYPE = { label: 'Unfinished', settings: [] };\nfunction compileJob(job) {\n");
    try {
      const refused = await dryRun({ job: clockJob('unfinished') });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.kind, 'script');
      assert.equal(refused.body.location.file, 'unfinished.js');
    } finally {
      await rm(join(scripts, 'unfinished.js'));
    }
  });

  it('refuses settings that do not fit with 422, naming each setting', async () => {
    const refused = await dryRun({ job: echoJob({ sleep_repeats: 'two' }) });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.kind, 'settings');
    assert.deepEqual(refused.body.problems.map((p: { setting: string }) => p.setting).sort(), ['message', 'sleep_repeats']);
  });

  it('refuses an outdated etag of a stored job type with 412', async () => {
    const refused = await dryRun({ job: { ...echoJob(), type_etag: 'an-old-etag' } });
    assert.equal(refused.status, 412);
    assert.equal(refused.body.kind, 'etag');
    assert.match(refused.body.message, /refresh/);
  });

  it('answers 404 for an unknown job type without a source, listing the known ones', async () => {
    const missing = await dryRun({ job: clockJob('no-such-type') });
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /no job type "no-such-type"/);
    assert.match(missing.body.message, /echo-sleep-test/);
  });

  it('refuses requests that do not fit the document with 400', async () => {
    assert.equal((await dryRun({})).status, 400);
    assert.equal((await dryRun({ job: echoJob(), sorce: 'x' })).status, 400);
    assert.equal((await dryRun({ job: echoJob(), now: 'yesterday' })).status, 400);
    assert.equal((await dryRun({ job: { ...echoJob(), priority: 101 } })).status, 400);
    const blankName = await dryRun({ job: { ...echoJob(), name: '   ' } });
    assert.equal(blankName.status, 400);
    assert.match(blankName.body.message, /name/);
  });
});
