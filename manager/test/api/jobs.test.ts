import assert from 'node:assert/strict';
import { echoSubmission } from '../support/submissions.ts';
import { onEachDatabase } from '../support/test-manager.ts';

const echoJob = (settings?: Record<string, string | number>) => echoSubmission({ metadata: { project: 'tests' }, ...(settings ? { settings } : {}) });

onEachDatabase('jobs API', (manager) => {
  it('submits a job, compiled and stored with its tasks', async () => {
    const submitted = await manager().request('POST', '/api/v3/jobs', echoJob());
    assert.equal(submitted.status, 200, submitted.text);
    const job = submitted.body;
    assert.match(job.id, /^[0-9a-f-]{36}$/);
    assert.equal(job.status, 'queued');
    assert.equal(job.type, 'echo-sleep-test');
    assert.deepEqual(job.settings, { message: 'hello', sleep_repeats: 2, sleep_duration_seconds: 1 });
    assert.deepEqual(job.metadata, { project: 'tests' });
    assert.equal(job.steps_total, 3);

    const fetched = await manager().request('GET', `/api/v3/jobs/${job.id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, job);

    const tasks = await manager().request('GET', `/api/v3/jobs/${job.id}/tasks`);
    assert.equal(tasks.status, 200);
    assert.deepEqual(
      tasks.body.tasks.map((t: { name: string; index_in_job: number; status: string }) => [t.index_in_job, t.name, t.status]),
      [
        [1, 'echo', 'queued'],
        [2, 'sleep', 'queued'],
        [3, 'sleep', 'queued'],
      ],
    );
    assert.equal(tasks.headers.get('x-total-count'), '3');
  });

  it('tells live-update listeners about a new job', async () => {
    const seen: { type: string; data: Record<string, unknown> }[] = [];
    const unsubscribe = manager().services.events.subscribe((event) => seen.push(event));
    try {
      const submitted = await manager().request('POST', '/api/v3/jobs', echoJob());
      assert.equal(submitted.status, 200, submitted.text);
      const jobEvents = seen.filter((e) => e.type === 'job' && e.data.id === submitted.body.id);
      assert.equal(jobEvents.length, 1);
      assert.equal(jobEvents[0].data.status, 'queued');
      assert.equal(jobEvents[0].data.name, 'echo test');
    } finally {
      unsubscribe();
    }
  });

  it('submits a job paused when asked to', async () => {
    const submitted = await manager().request('POST', '/api/v3/jobs', { ...echoJob(), initial_status: 'paused' });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.body.status, 'paused');
  });

  it('lists jobs newest first, paged', async () => {
    await manager().request('POST', '/api/v3/jobs', { ...echoJob(), name: 'newest' });
    const all = await manager().request('GET', '/api/v3/jobs');
    assert.equal(all.status, 200);
    assert.equal(all.body.jobs[0].name, 'newest');
    const total = Number(all.headers.get('x-total-count'));
    assert.equal(total, all.body.jobs.length);
    const page = await manager().request('GET', '/api/v3/jobs?offset=1&limit=1');
    assert.equal(page.body.jobs.length, 1);
    assert.equal(page.body.jobs[0].id, all.body.jobs[1].id);
  });

  it('checks a job without storing it', async () => {
    const before = Number((await manager().request('GET', '/api/v3/jobs')).headers.get('x-total-count'));
    const checked = await manager().request('POST', '/api/v3/jobs/check', echoJob());
    assert.equal(checked.status, 204, checked.text);
    const after = Number((await manager().request('GET', '/api/v3/jobs')).headers.get('x-total-count'));
    assert.equal(after, before);
  });

  it('refuses settings that do not fit, naming each setting', async () => {
    const refused = await manager().request('POST', '/api/v3/jobs', echoJob({ sleep_repeats: 'two' }));
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 400);
    assert.equal(refused.body.kind, 'settings');
    assert.match(refused.body.message, /"message" is required/);
    assert.deepEqual(refused.body.problems.map((p: { setting: string }) => p.setting).sort(), ['message', 'sleep_repeats']);
  });

  it('refuses a job whose script throws, with the line and column', async () => {
    const refused = await manager().request('POST', '/api/v3/jobs', {
      ...echoJob(),
      type: 'simple-blender-render',
      settings: {
        frames: '1-3',
        render_output_root: '/render',
        add_path_components: 0,
        render_output_path: '/render/x/######',
        blendfile: '/render/x.blend',
        format: 'FFMPEG',
        image_file_extension: '.mp4',
        scene: 'Scene',
      },
    });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.kind, 'script');
    assert.equal(refused.body.location.file, 'simple-blender-render.js');
    assert.ok(refused.body.location.line > 0);
  });

  it('refuses an outdated job type with 412 and says to refresh', async () => {
    const refused = await manager().request('POST', '/api/v3/jobs', { ...echoJob(), type_etag: 'not-the-etag' });
    assert.equal(refused.status, 412);
    assert.equal(refused.body.kind, 'etag');
    assert.match(refused.body.message, /refresh/i);
  });

  it('refuses an unknown job type and lists the known ones', async () => {
    const refused = await manager().request('POST', '/api/v3/jobs', { ...echoJob(), type: 'no-such-type' });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /"no-such-type" is not known/);
    assert.match(refused.body.message, /echo-sleep-test/);
  });

  it('refuses an unknown worker tag', async () => {
    const refused = await manager().request('POST', '/api/v3/jobs', { ...echoJob(), worker_tag: '4b5c6d7e-0000-4000-8000-000000000000' });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /worker tag .* does not exist/);
  });

  it('answers 404 for an unknown job', async () => {
    const missing = await manager().request('GET', '/api/v3/jobs/4b5c6d7e-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /there is no job/);
  });
});
