import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { submitEchoJob } from '../support/submissions.ts';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';

async function newTask(manager: TestManager): Promise<{ jobId: string; taskId: string }> {
  const { jobId, taskIds } = await submitEchoJob(manager, { name: 'log test', settings: { message: 'hi', sleep_repeats: 1 } });
  return { jobId, taskId: taskIds[0] as string };
}

/** Reads the whole log through fetchTaskLogChunk, `limit` bytes at a time. */
async function readInChunks(manager: TestManager, taskId: string, limit: number): Promise<{ text: string; chunks: { offset: number; next_offset: number; text: string }[] }> {
  const chunks = [];
  let offset = 0;
  for (let round = 0; round < 10_000; round++) {
    const chunk = await manager.request('GET', `/api/v3/tasks/${taskId}/log/chunk?offset=${offset}&limit=${limit}`);
    assert.equal(chunk.status, 200, chunk.text);
    chunks.push(chunk.body);
    if (chunk.body.text === '') {
      assert.equal(chunk.body.next_offset, chunk.body.size);
      return { text: chunks.map((c) => c.text).join(''), chunks };
    }
    assert.ok(chunk.body.next_offset > offset, 'every chunk moves on');
    offset = chunk.body.next_offset;
  }
  throw new Error('the log never ended');
}

onEachDatabase('task logs API', (manager) => {
  it('answers 404 for unknown tasks and 204 for tasks without a log', async () => {
    const unknown = randomUUID();
    for (const path of [`/api/v3/tasks/${unknown}/logtail`, `/api/v3/tasks/${unknown}/log`, `/api/v3/tasks/${unknown}/log/chunk`]) {
      const answer = await manager().request('GET', path);
      assert.equal(answer.status, 404, path);
      assert.match(answer.body.message, new RegExp(`no task ${unknown}`));
    }
    const { taskId } = await newTask(manager());
    for (const path of [`/api/v3/tasks/${taskId}/logtail`, `/api/v3/tasks/${taskId}/log`, `/api/v3/tasks/${taskId}/log/chunk`]) {
      const answer = await manager().request('GET', path);
      assert.equal(answer.status, 204, path);
      assert.equal(answer.text, '');
    }
  });

  it('gives the tail, the log info, and the whole log as a download', async () => {
    const { jobId, taskId } = await newTask(manager());
    await manager().services.taskLogs.append(jobId, taskId, 'first line\nsecond line');
    await manager().services.taskLogs.append(jobId, taskId, 'third line ñ\n');
    const expected = 'first line\nsecond line\nthird line ñ\n';

    const tail = await manager().request('GET', `/api/v3/tasks/${taskId}/logtail`);
    assert.equal(tail.status, 200);
    assert.match(tail.headers.get('content-type') ?? '', /^text\/plain; charset=utf-8/);
    assert.equal(tail.text, expected);

    const info = await manager().request('GET', `/api/v3/tasks/${taskId}/log`);
    assert.equal(info.status, 200);
    assert.deepEqual(info.body, {
      task_id: taskId,
      job_id: jobId,
      url: `/job-files/job-${jobId.slice(0, 4)}/${jobId}/task-${taskId}.txt`,
      size: Buffer.byteLength(expected),
    });

    const download = await fetch(manager().url + info.body.url);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-type') ?? '', /^text\/plain; charset=utf-8/);
    assert.equal(download.headers.get('content-disposition'), `attachment; filename="task-${taskId}.txt"`);
    assert.equal(download.headers.get('content-length'), String(Buffer.byteLength(expected)));
    assert.equal(await download.text(), expected);
    const head = await fetch(manager().url + info.body.url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(expected)));
  });

  it('downloads only existing logs, at their exact URLs', async () => {
    const { jobId, taskId } = await newTask(manager());
    await manager().services.taskLogs.append(jobId, taskId, 'secret-free line');
    const otherJob = randomUUID();
    for (const path of [
      `/job-files/job-${jobId.slice(0, 4)}/${jobId}/task-${randomUUID()}.txt`,
      `/job-files/job-${otherJob.slice(0, 4)}/${otherJob}/task-${taskId}.txt`,
      `/job-files/job-0000/${jobId}/task-${taskId}.txt`,
      `/job-files/job-${jobId.slice(0, 4)}/${jobId}/..%2F..%2Ftablao.sqlite`,
      `/job-files/job-${jobId.slice(0, 4)}/../../tablao-manager.yaml`,
      '/job-files/',
    ]) {
      const answer = await manager().request('GET', path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.code, 404);
    }
  });

  it('tails big logs from the end: at most 2048 bytes, whole lines only', async () => {
    const { jobId, taskId } = await newTask(manager());
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    await manager().services.taskLogs.append(jobId, taskId, lines.join('\n'));
    const tail = await manager().request('GET', `/api/v3/tasks/${taskId}/logtail`);
    assert.equal(tail.status, 200);
    assert.ok(Buffer.byteLength(tail.text) <= 2048);
    const got = tail.text.split('\n');
    assert.equal(got.pop(), '', 'ends with a newline');
    assert.ok(got.length > 10);
    assert.deepEqual(got, lines.slice(lines.length - got.length), 'the last lines, each whole');
  });

  it('keeps the first line of the tail when the 2048 bytes start exactly at a line', async () => {
    const { jobId, taskId } = await newTask(manager());
    // 100 lines of 32 bytes: the last 2048 bytes are exactly the last 64 lines.
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')} `.padEnd(31, '.'));
    await manager().services.taskLogs.append(jobId, taskId, lines.join('\n'));
    const tail = await manager().request('GET', `/api/v3/tasks/${taskId}/logtail`);
    assert.equal(tail.text, lines.slice(36).join('\n') + '\n');
  });

  it('tails a log that is one huge line from a character boundary', async () => {
    const { jobId, taskId } = await newTask(manager());
    await manager().services.taskLogs.append(jobId, taskId, 'ñ'.repeat(3000));
    const tail = await manager().request('GET', `/api/v3/tasks/${taskId}/logtail`);
    assert.equal(tail.status, 200);
    assert.match(tail.text, /^ñ+\n$/);
    assert.ok(Buffer.byteLength(tail.text) <= 2048);
  });

  it('reads a log in chunks that end at lines and never split a character', async () => {
    const { jobId, taskId } = await newTask(manager());
    const text = Array.from({ length: 300 }, (_, i) => `${i}: ñandú 🐂 ${'é'.repeat(i % 7)}`).join('\n') + '\n';
    await manager().services.taskLogs.append(jobId, taskId, text);
    const file = await readFile(manager().services.taskLogs.file(jobId, taskId), 'utf8');
    assert.equal(file, text);

    const byLines = await readInChunks(manager(), taskId, 100);
    assert.equal(byLines.text, text);
    for (const chunk of byLines.chunks.slice(0, -1)) {
      assert.ok(chunk.text.endsWith('\n'), 'a chunk ends at a line when the limit holds one');
      assert.ok(Buffer.byteLength(chunk.text) <= 100);
    }
    assert.equal(byLines.chunks[0]?.offset, 0);

  });

  it('reads lines longer than the limit a character at a time at worst, intact', async () => {
    const { jobId, taskId } = await newTask(manager());
    const text = 'ñandú 🐂 é\nabc\n🐂🐂\n';
    await manager().services.taskLogs.append(jobId, taskId, text);
    for (const limit of [1, 2, 3, 5, 7]) {
      const small = await readInChunks(manager(), taskId, limit);
      assert.equal(small.text, text, `limit ${limit}`);
      for (const chunk of small.chunks) assert.ok(Buffer.byteLength(chunk.text) <= Math.max(limit, 4));
    }
  });

  it('moves an offset inside a character to the next one, and refuses offsets past the end', async () => {
    const { jobId, taskId } = await newTask(manager());
    await manager().services.taskLogs.append(jobId, taskId, '🐂 bull\n');
    const inside = await manager().request('GET', `/api/v3/tasks/${taskId}/log/chunk?offset=2`);
    assert.equal(inside.status, 200);
    assert.deepEqual(inside.body, { task_id: taskId, job_id: jobId, offset: 4, next_offset: 10, size: 10, text: ' bull\n' });
    const end = await manager().request('GET', `/api/v3/tasks/${taskId}/log/chunk?offset=10`);
    assert.deepEqual(end.body, { task_id: taskId, job_id: jobId, offset: 10, next_offset: 10, size: 10, text: '' });
    const past = await manager().request('GET', `/api/v3/tasks/${taskId}/log/chunk?offset=11`);
    assert.equal(past.status, 416);
    assert.match(past.body.message, /offset 11 is past the end of the log \(10 bytes\)/);
    for (const query of ['limit=0', 'limit=1048577', 'offset=-1', 'offset=abc']) {
      const bad = await manager().request('GET', `/api/v3/tasks/${taskId}/log/chunk?${query}`);
      assert.equal(bad.status, 400, query);
    }
  });

  it('keeps lines of concurrent appends whole and in order per call', async () => {
    const { jobId, taskId } = await newTask(manager());
    const lines = Array.from({ length: 200 }, (_, i) => `append ${i}`);
    await Promise.all(lines.map((line) => manager().services.taskLogs.append(jobId, taskId, line)));
    const { text } = await readInChunks(manager(), taskId, 1000);
    assert.equal(text, lines.join('\n') + '\n');
  });
});
