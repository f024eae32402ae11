import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import sharp from 'sharp';
import { ImageQueue, type QueuedImage } from '../../src/last-rendered/image-queue.ts';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';
import { giveTaskToWorker, insertWorkerWithCredentials } from '../support/worker-rows.ts';

const echoJob = { name: 'render test', type: 'echo-sleep-test', priority: 50, submitter_platform: 'linux', settings: { message: 'hi', sleep_repeats: 1 } };
const SIZES = [
  ['last-rendered.jpg', 1920, 1080],
  ['last-rendered-small.jpg', 600, 338],
  ['last-rendered-tiny.jpg', 200, 112],
] as const;

function frame(width: number, height: number, format: 'jpeg' | 'png', alpha = false): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: alpha ? 4 : 3, background: alpha ? { r: 200, g: 50, b: 0, alpha: 0.5 } : { r: 30, g: 120, b: 200 } } });
  return (format === 'jpeg' ? image.jpeg() : image.png()).toBuffer();
}

interface Rendering {
  jobId: string;
  taskId: string;
  workerId: string;
  auth: string;
}

/** A job whose first task runs on a worker that can authenticate. */
async function rendering(manager: TestManager): Promise<Rendering> {
  const job = await manager.request('POST', '/api/v3/jobs', echoJob);
  assert.equal(job.status, 200, job.text);
  const tasks = await manager.request('GET', `/api/v3/jobs/${job.body.id}/tasks`);
  const taskId = tasks.body.tasks[0].id;
  const { workerId, auth } = await insertWorkerWithCredentials(manager.db);
  await giveTaskToWorker(manager.db, taskId, workerId);
  return { jobId: job.body.id, taskId, workerId, auth };
}

function upload(manager: TestManager, r: Pick<Rendering, 'taskId' | 'auth'>, body: Buffer, contentType = 'image/jpeg', extra: RequestInit = {}): Promise<Response> {
  return fetch(`${manager.url}/api/v3/worker/task/${r.taskId}/output-produced`, {
    method: 'POST',
    headers: { authorization: r.auth, 'content-type': contentType },
    body: new Uint8Array(body),
    ...extra,
  });
}

/** Waits until the job's images are there (they are made in the background). */
async function imageInfo(manager: TestManager, jobId: string, previousTiny?: Buffer): Promise<{ base: string; suffixes: string[] }> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const info = await manager.request('GET', `/api/v3/jobs/${jobId}/last-rendered`);
    if (info.status === 200) {
      const tiny = Buffer.from(await (await fetch(`${manager.url}${info.body.base}/last-rendered-tiny.jpg`)).arrayBuffer());
      if (!previousTiny || !tiny.equals(previousTiny)) return info.body;
    } else assert.equal(info.status, 204);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${jobId} never got its last-rendered image`);
}

async function fetchImage(manager: TestManager, url: string): Promise<{ response: Response; bytes: Buffer }> {
  const response = await fetch(manager.url + url);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

onEachDatabase('last-rendered API', (manager) => {
  it('has no last-rendered image before any worker sent one', async () => {
    const global = await manager().request('GET', '/api/v3/jobs/last-rendered');
    assert.equal(global.status, 204);
    const { jobId } = await rendering(manager());
    const job = await manager().request('GET', `/api/v3/jobs/${jobId}/last-rendered`);
    assert.equal(job.status, 204);
    const unknown = await manager().request('GET', `/api/v3/jobs/${randomUUID()}/last-rendered`);
    assert.equal(unknown.status, 404);
  });

  it('takes a JPEG from the worker running the task and serves it in three sizes', async () => {
    const r = await rendering(manager());
    const sent = await upload(manager(), r, await frame(3840, 2160, 'jpeg'));
    assert.equal(sent.status, 202, await sent.text());

    const info = await imageInfo(manager(), r.jobId);
    assert.deepEqual(info, { base: `/job-files/job-${r.jobId.slice(0, 4)}/${r.jobId}`, suffixes: SIZES.map(([file]) => file) });
    for (const [file, width, height] of SIZES) {
      const { response, bytes } = await fetchImage(manager(), `${info.base}/${file}`);
      assert.equal(response.status, 200, file);
      assert.equal(response.headers.get('content-type'), 'image/jpeg');
      const metadata = await sharp(bytes).metadata();
      assert.equal(metadata.format, 'jpeg');
      assert.ok(metadata.width <= width && metadata.height <= height, `${file} fits in ${width}×${height}`);
      assert.ok(metadata.width === width || metadata.height === height, `${file} fills its box on one side`);
    }
    const global = await manager().request('GET', '/api/v3/jobs/last-rendered');
    assert.deepEqual(global.body, info);
  });

  it('never enlarges small images, turns transparent PNGs into JPEGs, and follows the newest job', async () => {
    const first = await rendering(manager());
    assert.equal((await upload(manager(), first, await frame(320, 240, 'jpeg'))).status, 202);
    await imageInfo(manager(), first.jobId);

    const second = await rendering(manager());
    assert.equal((await upload(manager(), second, await frame(400, 100, 'png', true), 'image/png')).status, 202);
    const info = await imageInfo(manager(), second.jobId);
    const big = await sharp((await fetchImage(manager(), `${info.base}/last-rendered.jpg`)).bytes).metadata();
    assert.deepEqual([big.format, big.width, big.height], ['jpeg', 400, 100]);
    const tiny = await sharp((await fetchImage(manager(), `${info.base}/last-rendered-tiny.jpg`)).bytes).metadata();
    assert.deepEqual([tiny.width, tiny.height], [200, 50]);
    const global = await manager().request('GET', '/api/v3/jobs/last-rendered');
    assert.equal(global.body.base, info.base);

    // A newer frame of the same job replaces its images.
    const before = (await fetchImage(manager(), `${info.base}/last-rendered-tiny.jpg`)).bytes;
    assert.equal((await upload(manager(), second, await frame(640, 480, 'jpeg'))).status, 202);
    await imageInfo(manager(), second.jobId, before);
    const replaced = await sharp((await fetchImage(manager(), `${info.base}/last-rendered.jpg`)).bytes).metadata();
    assert.deepEqual([replaced.width, replaced.height], [640, 480]);
  });

  it('lets browsers revalidate an image instead of downloading it again', async () => {
    const r = await rendering(manager());
    assert.equal((await upload(manager(), r, await frame(64, 64, 'jpeg'))).status, 202);
    const info = await imageInfo(manager(), r.jobId);
    const first = await fetch(`${manager().url}${info.base}/last-rendered-small.jpg`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    // fetch() would add `Cache-Control: no-cache`, which rules out a 304; browsers do not.
    const again = await new Promise<number | undefined>((resolve, reject) => {
      get(`${manager().url}${info.base}/last-rendered-small.jpg`, { headers: { 'if-none-match': etag } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    assert.equal(again, 304);
    for (const path of [`${info.base}/last-rendered-huge.jpg`, `${info.base}/../latest.json`, `/job-files/job-0000/${r.jobId}/last-rendered.jpg`]) {
      const missing = await manager().request('GET', path);
      assert.equal(missing.status, 404, path);
    }
  });

  it('refuses images from strangers, for other workers\u2019 tasks, and for unknown tasks', async () => {
    const r = await rendering(manager());
    const image = await frame(32, 32, 'jpeg');
    const anonymous = await upload(manager(), { taskId: r.taskId, auth: '' }, image);
    assert.equal(anonymous.status, 403);
    const wrongSecret = await upload(manager(), { taskId: r.taskId, auth: `Basic ${Buffer.from(`${r.workerId}:nope`).toString('base64')}` }, image);
    assert.equal(wrongSecret.status, 403);

    const other = await rendering(manager());
    const notMine = await upload(manager(), { taskId: r.taskId, auth: other.auth }, image);
    assert.equal(notMine.status, 409);
    assert.match(((await notMine.json()) as { message: string }).message, /not assigned to worker/);
    const unknown = await upload(manager(), { taskId: randomUUID(), auth: r.auth }, image);
    assert.equal(unknown.status, 404);
    const badId = await upload(manager(), { taskId: 'not-a-task', auth: r.auth }, image);
    assert.equal(badId.status, 400);

    const info = await manager().request('GET', `/api/v3/jobs/${r.jobId}/last-rendered`);
    assert.equal(info.status, 204, 'nothing refused was kept');
  });

  it('refuses bodies that are not JPEG or PNG images, empty or oversized bodies, and chunked uploads', async () => {
    const r = await rendering(manager());
    const text = await upload(manager(), r, Buffer.from('hello'), 'text/plain');
    assert.equal(text.status, 415);
    assert.match(((await text.json()) as { message: string }).message, /image\/jpeg or image\/png/);
    const garbage = await upload(manager(), r, Buffer.from('not really a png'), 'image/png');
    assert.equal(garbage.status, 415);
    const gif = await upload(manager(), r, await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).gif().toBuffer(), 'image/png');
    assert.equal(gif.status, 415);
    assert.match(((await gif.json()) as { message: string }).message, /gif/);
    const empty = await upload(manager(), r, Buffer.alloc(0));
    assert.equal(empty.status, 400);

    const huge = await upload(manager(), r, Buffer.alloc(25 * 1024 * 1024 + 1));
    assert.equal(huge.status, 413);
    const chunked = await fetch(`${manager().url}/api/v3/worker/task/${r.taskId}/output-produced`, {
      method: 'POST',
      headers: { authorization: r.auth, 'content-type': 'image/jpeg' },
      body: new Blob([new Uint8Array(await frame(16, 16, 'jpeg'))]).stream(),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 411);

    const info = await manager().request('GET', `/api/v3/jobs/${r.jobId}/last-rendered`);
    assert.equal(info.status, 204, 'nothing refused was kept');
  });
});

describe('last-rendered image queue', () => {
  it('processes images one at a time, holds three more, and refuses the rest until there is room', async () => {
    const started: string[] = [];
    const releases: (() => void)[] = [];
    const queue = new ImageQueue({
      process: (item) => {
        started.push(item.jobId);
        return new Promise<void>((resolve) => releases.push(resolve));
      },
      onError: () => assert.fail('no errors expected'),
    });
    const item = (jobId: string): QueuedImage => ({ jobId, workerId: 'w', image: Buffer.alloc(1) });
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => queue.offer(item(id))), [true, true, true, true, false, false]);
    assert.deepEqual(started, ['a']);
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(queue.offer(item('g')), true, 'room again once one is done');
    assert.equal(queue.offer(item('h')), false);
    while (started.length < 5) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    releases.shift()?.();
    await queue.idle();
    assert.deepEqual(started, ['a', 'b', 'c', 'd', 'g']);
  });

  it('goes on after an image that fails', async () => {
    const failed: string[] = [];
    const done: string[] = [];
    const queue = new ImageQueue({
      process: async (item) => {
        if (item.jobId === 'bad') throw new Error('cannot decode');
        done.push(item.jobId);
      },
      onError: (_error, item) => failed.push(item.jobId),
    });
    for (const id of ['bad', 'good']) queue.offer({ jobId: id, workerId: 'w', image: Buffer.alloc(1) });
    await queue.idle();
    assert.deepEqual([failed, done], [['bad'], ['good']]);
  });
});
