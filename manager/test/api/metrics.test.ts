import assert from 'node:assert/strict';
import { startTestManager, onEachDatabase, type TestManager } from '../support/test-manager.ts';
import { giveTaskToWorker, insertWorkerWithCredentials } from '../support/worker-rows.ts';

const echoJob = { name: 'metrics test', type: 'echo-sleep-test', priority: 50, submitter_platform: 'linux', settings: { message: 'hi', sleep_repeats: 2 } };

/** Samples of a Prometheus text exposition, by `name{labels}` as written. */
async function scrape(manager: TestManager): Promise<Map<string, number>> {
  const response = await fetch(`${manager.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

function sample(samples: Map<string, number>, key: string): number {
  const value = samples.get(key);
  assert.notEqual(value, undefined, `no sample ${key} in ${[...samples.keys()].join(', ')}`);
  return value as number;
}

onEachDatabase('metrics', (manager) => {
  it('counts jobs, tasks, the queue and workers by status, with every status present', async () => {
    const empty = await scrape(manager());
    assert.equal(sample(empty, 'tablao_jobs{status="queued"}'), 0);
    assert.equal(sample(empty, 'tablao_jobs{status="under-construction"}'), 0);
    assert.equal(sample(empty, 'tablao_tasks{status="soft-failed"}'), 0);
    assert.equal(sample(empty, 'tablao_workers{status="awake"}'), 0);
    assert.equal(sample(empty, 'tablao_task_queue_depth'), 0);

    const first = await manager().request('POST', '/api/v3/jobs', echoJob);
    const second = await manager().request('POST', '/api/v3/jobs', { ...echoJob, initial_status: 'paused' });
    assert.equal(first.status, 200, first.text);
    assert.equal(second.status, 200, second.text);
    const { workerId: worker } = await insertWorkerWithCredentials(manager().db, { status: 'awake' });
    await insertWorkerWithCredentials(manager().db, { status: 'asleep' });
    await insertWorkerWithCredentials(manager().db, { status: 'asleep' });
    const tasks = await manager().request('GET', `/api/v3/jobs/${first.body.id}/tasks`);
    await giveTaskToWorker(manager().db, tasks.body.tasks[0].id, worker);
    await manager().db('jobs').where('id', first.body.id).update({ status: 'active' });

    const samples = await scrape(manager());
    assert.equal(sample(samples, 'tablao_jobs{status="active"}'), 1);
    assert.equal(sample(samples, 'tablao_jobs{status="paused"}'), 1);
    assert.equal(sample(samples, 'tablao_jobs{status="queued"}'), 0);
    assert.equal(sample(samples, 'tablao_tasks{status="active"}'), 1);
    assert.equal(sample(samples, 'tablao_tasks{status="queued"}'), 5);
    // The paused job's tasks wait for a person, not for a worker.
    assert.equal(sample(samples, 'tablao_task_queue_depth'), 2);
    assert.equal(sample(samples, 'tablao_workers{status="awake"}'), 1);
    assert.equal(sample(samples, 'tablao_workers{status="asleep"}'), 2);
    assert.equal(sample(samples, 'tablao_workers{status="offline"}'), 0);
  });

  it('times job compilation and task dispatch as histograms', async () => {
    const before = await scrape(manager());
    const compiles = sample(before, 'tablao_job_compile_duration_seconds_count');
    const job = await manager().request('POST', '/api/v3/jobs', echoJob);
    assert.equal(job.status, 200);
    const check = await manager().request('POST', '/api/v3/jobs/check', { ...echoJob, settings: { message: 'hi', sleep_repeats: 'many' } });
    assert.notEqual(check.status, 204);
    manager().services.metrics.recordDispatch(12);
    manager().services.metrics.recordDispatch(3000);

    const after = await scrape(manager());
    assert.equal(sample(after, 'tablao_job_compile_duration_seconds_count'), compiles + 2, 'failed compilations take time too');
    assert.ok(sample(after, 'tablao_job_compile_duration_seconds_sum') > 0);
    assert.equal(sample(after, 'tablao_task_dispatch_duration_seconds_count'), 2);
    assert.equal(sample(after, 'tablao_task_dispatch_duration_seconds_sum'), 3.012);
    assert.equal(sample(after, 'tablao_task_dispatch_duration_seconds_bucket{le="0.01"}'), 0);
    assert.equal(sample(after, 'tablao_task_dispatch_duration_seconds_bucket{le="0.025"}'), 1);
    assert.equal(sample(after, 'tablao_task_dispatch_duration_seconds_bucket{le="+Inf"}'), 2);
  });

  it('keeps each manager\u2019s metrics apart', async () => {
    const other = await startTestManager('sqlite');
    try {
      other.services.metrics.recordDispatch(1);
      const mine = await scrape(manager());
      const theirs = await scrape(other);
      assert.equal(sample(theirs, 'tablao_task_dispatch_duration_seconds_count'), 1);
      assert.equal(sample(mine, 'tablao_task_dispatch_duration_seconds_count'), 2);
      assert.equal(sample(theirs, 'tablao_tasks{status="queued"}'), 0);
    } finally {
      await other.stop();
    }
  });

  it('answers only GET and HEAD at /metrics', async () => {
    const head = await fetch(`${manager().url}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    const post = await manager().request('POST', '/metrics', {});
    assert.equal(post.status, 404);
  });
});
