// Finding jobs (queryJobs), paging a job's tasks (queryJobTasks, fetchJobTasks) and the task
// dependency graph (fetchJobGraph); and the pure helpers behind the job query.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { globPattern, jobSortOrder, likePattern } from '../../src/storage/job-queries.ts';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';

const UNKNOWN_JOB = '4b5c6d7e-0000-4000-8000-000000000000';

async function submitEcho(manager: TestManager, name: string, metadata: Record<string, string>, sleeps = 1, priority = 50): Promise<string> {
  const submitted = await manager.request('POST', '/api/v3/jobs', {
    name,
    type: 'echo-sleep-test',
    priority,
    submitter_platform: 'linux',
    settings: { message: `hello from ${name}`, sleep_repeats: sleeps },
    metadata,
  });
  assert.equal(submitted.status, 200, submitted.text);
  return submitted.body.id;
}

async function submitRender(manager: TestManager, name: string, metadata: Record<string, string>, settings: Record<string, unknown>): Promise<string> {
  const submitted = await manager.request('POST', '/api/v3/jobs', {
    name,
    type: 'simple-blender-render',
    priority: 50,
    submitter_platform: 'linux',
    settings: {
      blendfile: '/render/scene.blend',
      chunk_size: 3,
      extract_audio: true,
      format: 'PNG',
      fps: 24,
      frames: '1-3',
      images_or_video: 'images',
      image_file_extension: '.png',
      video_container_format: '',
      render_output_root: '/render/out',
      add_path_components: 0,
      render_output_path: '/render/out/######',
      scene: '',
      ...settings,
    },
    metadata,
  });
  assert.equal(submitted.status, 200, submitted.text);
  return submitted.body.id;
}

/** Names of the jobs a query finds, in its order. */
async function names(manager: TestManager, query: Record<string, unknown>): Promise<string[]> {
  const answer = await manager.request('POST', '/api/v3/jobs/query', query);
  assert.equal(answer.status, 200, answer.text);
  return answer.body.jobs.map((job: { name: string }) => job.name);
}

describe('job query helpers', () => {
  it('sorts by the given keys, then by id in the last key’s direction; newest first by default', () => {
    assert.deepEqual(jobSortOrder([]), [
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    assert.deepEqual(jobSortOrder(['-priority', 'name', '+name', '-name']), [
      { column: 'priority', order: 'desc' },
      { column: 'name', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
    assert.throws(() => jobSortOrder(['id; DROP TABLE jobs']), /cannot sort jobs by/);
    assert.throws(() => jobSortOrder(['settings']), /cannot sort jobs by/);
  });

  it('makes `%` the only wildcard in GLOB and LIKE patterns', () => {
    assert.equal(globPattern('shot_%'), 'shot_*');
    assert.equal(globPattern('what?*[x]%'), 'what[?][*][[]x]*');
    assert.equal(likePattern('shot_%'), 'shot\\_%');
    assert.equal(likePattern('C:\\renders\\%'), 'C:\\\\renders\\\\%');
  });
});

onEachDatabase('job queries', (manager) => {
  // Every test tags its jobs with a suite id of its own, and filters on it.
  const suite = () => randomUUID();

  it('filters by metadata with `%` wildcards, case-sensitively, with `_` taken literally', async () => {
    const s = suite();
    await submitEcho(manager(), 'ana sc010', { suite: s, 'user.name': 'Ana Ruiz', shot: 'sc_010' });
    await submitEcho(manager(), 'bo sc020', { suite: s, 'user.name': 'Bo Lind', shot: 'sc-020' });
    await submitEcho(manager(), 'no shot', { suite: s, 'user.name': 'ana ruiz' });

    assert.deepEqual(await names(manager(), { metadata: { suite: s, 'user.name': 'Ana Ruiz' } }), ['ana sc010']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s, 'user.name': 'Ana%' } }), ['ana sc010']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s, 'user.name': '%a%', shot: '%' } }), ['ana sc010']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s, shot: 'sc_0%' } }), ['ana sc010']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s, shot: 'sc%0', 'user.name': '%' }, order_by: ['name'] }), ['ana sc010', 'bo sc020']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s, 'no such key': '%' } }), []);
  });

  it('filters by settings: string patterns, exact numbers and booleans, each of its own type', async () => {
    const s = suite();
    await submitRender(manager(), 'with audio', { suite: s }, { extract_audio: true, fps: 24, frames: '1-3' });
    await submitRender(manager(), 'silent', { suite: s }, { extract_audio: false, fps: 25, frames: '10-12' });
    await submitEcho(manager(), 'echo', { suite: s });

    assert.deepEqual(await names(manager(), { metadata: { suite: s }, settings: { extract_audio: true } }), ['with audio']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, settings: { extract_audio: false } }), ['silent']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, settings: { fps: 25 } }), ['silent']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, settings: { fps: 25.0, frames: '1%' } }), ['silent']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, settings: { fps: '25' } }), [], 'a string does not match a number');
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, settings: { message: 'hello%' } }), ['echo']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, settings: { extract_audio: 'true' } }), []);
  });

  it('filters by status, sorts by any documented key, and pages with the total of all matches', async () => {
    const s = suite();
    const low = await submitEcho(manager(), 'b-low', { suite: s }, 1, 10);
    const high = await submitEcho(manager(), 'c-high', { suite: s }, 1, 90);
    const mid = await submitEcho(manager(), 'a-mid', { suite: s }, 1, 50);
    await manager().db('jobs').where('id', low).update({ status: 'paused', created_at: '2026-01-01T10:00:00.000Z' });
    await manager().db('jobs').where('id', high).update({ created_at: '2026-01-01T10:00:00.001Z' });
    await manager().db('jobs').where('id', mid).update({ created_at: '2026-01-01T10:00:00.002Z' });

    assert.deepEqual(await names(manager(), { metadata: { suite: s } }), ['a-mid', 'c-high', 'b-low'], 'newest first by default');
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, order_by: ['-priority'] }), ['c-high', 'a-mid', 'b-low']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, order_by: ['name'] }), ['a-mid', 'b-low', 'c-high']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, order_by: ['status', '-name'] }), ['b-low', 'c-high', 'a-mid']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, status_in: ['paused'] }), ['b-low']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, status_in: ['queued', 'active'], order_by: ['priority'] }), ['a-mid', 'c-high']);
    assert.deepEqual(await names(manager(), { metadata: { suite: s }, status_in: [] }), ['a-mid', 'c-high', 'b-low'], 'no statuses: any status');

    const page = await manager().request('POST', '/api/v3/jobs/query', { metadata: { suite: s }, order_by: ['name'], offset: 1, limit: 1 });
    assert.equal(page.status, 200);
    assert.equal(page.body.total, 3);
    assert.deepEqual(page.body.jobs.map((j: { name: string }) => j.name), ['b-low']);
    assert.equal(page.body.jobs[0].status, 'paused');
    assert.equal(page.body.jobs[0].steps_total, 2, 'jobs come whole, with their step counts');
    const past = await manager().request('POST', '/api/v3/jobs/query', { metadata: { suite: s }, offset: 10 });
    assert.deepEqual(past.body, { jobs: [], total: 3 });
  });

  it('keeps working with jobs whose settings hold text PostgreSQL cannot read, and refuses such text in queries', async () => {
    const s = suite();
    await submitEcho(manager(), 'plain', { suite: s });
    const odd = await manager().request('POST', '/api/v3/jobs', {
      name: 'odd',
      type: 'echo-sleep-test',
      priority: 50,
      submitter_platform: 'linux',
      settings: { message: 'nul \u0000 and half a pair \ud800' },
      metadata: { suite: s, note: 'nul \u0000' },
    });
    assert.equal(odd.status, 200, odd.text);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${odd.body.id}`)).body.settings.message, 'nul \u0000 and half a pair \ud800');
    const found = await names(manager(), { metadata: { suite: s }, settings: { message: 'hello%' } });
    assert.deepEqual(found, ['plain']);
    assert.ok((await names(manager(), { metadata: { suite: s, note: '%' } })).length <= 1);

    for (const query of [{ metadata: { 'nul\u0000': '%' } }, { metadata: { note: '\u0000' } }, { settings: { message: 'half \udc00' } }]) {
      const refused = await manager().request('POST', '/api/v3/jobs/query', query);
      assert.equal(refused.status, 400, JSON.stringify(query));
      assert.match(refused.body.message, /NUL character or half of a UTF-16 surrogate pair/);
    }
    const badName = await manager().request('POST', '/api/v3/jobs', { name: 'nul \u0000', type: 'echo-sleep-test', priority: 50, submitter_platform: 'linux', settings: { message: 'x' } });
    assert.equal(badName.status, 400);
    assert.match(badName.body.message, /"name" contains a NUL character/);
  });

  it('refuses queries outside the document: unknown sort keys, fields, statuses, or too large pages', async () => {
    for (const query of [{ order_by: ['settings'] }, { limit: 501 }, { offset: -1 }, { status_in: ['done'] }, { filter: 'x' }, { settings: { fps: [24] } }]) {
      const answer = await manager().request('POST', '/api/v3/jobs/query', query);
      assert.equal(answer.status, 400, JSON.stringify(query));
      assert.equal(typeof answer.body.message, 'string');
    }
  });
});

onEachDatabase('a job’s tasks: pages and graph', (manager) => {
  it('pages through tasks in task order, by status, with the total of all matches', async () => {
    const jobId = await submitEcho(manager(), 'many tasks', {}, 30);
    const tasks: { id: string }[] = await manager().db('tasks').where('job_id', jobId).orderBy('index_in_job').select('id');
    await manager().db('tasks').whereIn('id', [tasks[3].id, tasks[7].id, tasks[20].id]).update({ status: 'failed' });

    const first = await manager().request('POST', `/api/v3/jobs/${jobId}/tasks/query`, {});
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.total, 31);
    assert.equal(first.body.offset, 0);
    assert.equal(first.body.limit, 100);
    assert.deepEqual(first.body.tasks.map((t: { index_in_job: number }) => t.index_in_job), Array.from({ length: 31 }, (_, i) => i + 1));

    const page = await manager().request('POST', `/api/v3/jobs/${jobId}/tasks/query`, { offset: 10, limit: 5 });
    assert.deepEqual(page.body.tasks.map((t: { index_in_job: number }) => t.index_in_job), [11, 12, 13, 14, 15]);
    assert.equal(page.body.total, 31);
    assert.equal(page.body.limit, 5);

    const failed = await manager().request('POST', `/api/v3/jobs/${jobId}/tasks/query`, { status_in: ['failed'], offset: 1, limit: 1 });
    assert.equal(failed.body.total, 3);
    assert.deepEqual(failed.body.tasks.map((t: { id: string; status: string }) => [t.id, t.status]), [[tasks[7].id, 'failed']]);
  });

  it('stores and pages a job of more than a thousand tasks', async () => {
    const jobId = await submitEcho(manager(), 'big', {}, 1200);
    const last = await manager().request('POST', `/api/v3/jobs/${jobId}/tasks/query`, { offset: 1000, limit: 1000 });
    assert.equal(last.status, 200, last.text);
    assert.equal(last.body.total, 1201);
    assert.equal(last.body.tasks.length, 201);
    assert.equal(last.body.tasks[200].index_in_job, 1201);
    const graph = await manager().request('GET', `/api/v3/jobs/${jobId}/graph`);
    assert.equal(graph.body.nodes.length, 1201);
    assert.equal(graph.body.edges.length, 1200);
  });

  it('shows each task’s worker in task summaries', async () => {
    const jobId = await submitEcho(manager(), 'worked on', {}, 1);
    const workerId = randomUUID();
    const now = new Date().toISOString();
    await manager().db('workers').insert({ id: workerId, secret_hash: 'x', name: 'render-07', address: '10.0.0.7', platform: 'linux', status: 'awake', supported_task_types: 'misc', created_at: now, updated_at: now });
    await manager().db('tasks').where({ job_id: jobId, index_in_job: 1 }).update({ worker_id: workerId, status: 'active' });

    const queried = await manager().request('POST', `/api/v3/jobs/${jobId}/tasks/query`, { status_in: ['active'] });
    assert.deepEqual(queried.body.tasks[0].worker, { id: workerId, name: 'render-07', address: '10.0.0.7' });
    const fetched = await manager().request('GET', `/api/v3/jobs/${jobId}/tasks`);
    assert.deepEqual(fetched.body.tasks[0].worker, { id: workerId, name: 'render-07', address: '10.0.0.7' });
    assert.equal(fetched.body.tasks[1].worker, undefined, 'tasks without a worker show none');
  });

  it('refuses unknown jobs and malformed task queries', async () => {
    assert.equal((await manager().request('POST', `/api/v3/jobs/${UNKNOWN_JOB}/tasks/query`, {})).status, 404);
    const jobId = await submitEcho(manager(), 'query input', {});
    assert.equal((await manager().request('POST', `/api/v3/jobs/${jobId}/tasks/query`, { limit: 1001 })).status, 400);
    assert.equal((await manager().request('POST', `/api/v3/jobs/${jobId}/tasks/query`, { status_in: ['done'] })).status, 400);
    assert.equal((await manager().request('POST', `/api/v3/jobs/${jobId}/tasks/query`, { order: 'x' })).status, 400);
  });

  it('gives the dependency graph: one node per task, edges from the task that runs first', async () => {
    const jobId = await submitEcho(manager(), 'graph', {}, 3);
    const graph = await manager().request('GET', `/api/v3/jobs/${jobId}/graph`);
    assert.equal(graph.status, 200, graph.text);
    assert.equal(graph.body.job_id, jobId);
    const nodes: { id: string; name: string; task_type: string; status: string; index_in_job: number }[] = graph.body.nodes;
    assert.deepEqual(
      nodes.map((n) => [n.index_in_job, n.name, n.task_type, n.status]),
      [
        [1, 'echo', 'misc', 'queued'],
        [2, 'sleep', 'misc', 'queued'],
        [3, 'sleep', 'misc', 'queued'],
        [4, 'sleep', 'misc', 'queued'],
      ],
    );
    assert.deepEqual(graph.body.edges, [
      { from: nodes[0].id, to: nodes[1].id },
      { from: nodes[0].id, to: nodes[2].id },
      { from: nodes[0].id, to: nodes[3].id },
    ]);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${UNKNOWN_JOB}/graph`)).status, 404);
  });
});
