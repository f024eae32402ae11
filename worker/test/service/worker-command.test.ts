// `tablao worker` as people run it: a process of its own, with flags and a configuration file.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TABLAO_SCRIPT } from '../../../bin/launch.ts';
import {
  echoSleepJob,
  newDataDir,
  removeDataDirs,
  startManager,
  submit,
  taskLog,
  tasksOf,
  waitFor,
  workerRecord,
  type TestManager,
} from '../support/test-farm.ts';

function tablao(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TABLAO_SCRIPT, ...args], (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

describe('tablao worker', function () {
  this.timeout(30_000);
  let manager: TestManager;

  before(async () => {
    manager = await startManager();
  });
  after(async () => {
    await manager.stop();
    await removeDataDirs();
  });

  it('explains its options with --help', async () => {
    const result = await tablao('worker', '--help');
    assert.equal(result.code, 0);
    for (const option of ['--manager URL', '--data-dir DIR', '--config FILE', '--name NAME', '--restart-exit-code N']) assert.ok(result.stdout.includes(option), option);
  });

  it('refuses unknown flags with its usage', async () => {
    const result = await tablao('worker', '--frobnicate');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown option '--frobnicate'/);
    assert.match(result.stderr, /Usage: tablao worker/);
  });

  it('names the bad setting of its configuration and how to fix it, without a stack trace', async () => {
    const dataDir = await newDataDir();
    await writeFile(join(dataDir, 'tablao-worker.yaml'), 'manager_url: http://localhost:8080\ntask_type: [misc]\n');
    const result = await tablao('worker', '--data-dir', dataDir);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /"task_type" is not a setting \(known: manager_url, worker_name, task_types/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('says what to do when its data folder cannot be used or its credentials are damaged', async () => {
    const dataDir = await newDataDir();
    const aFile = join(dataDir, 'a-file');
    await writeFile(aFile, 'not a folder');
    const unusable = await tablao('worker', '--data-dir', join(aFile, 'data'));
    assert.equal(unusable.code, 1);
    assert.match(unusable.stderr, /cannot write the configuration file .*; choose a writable folder with --data-dir/);

    await writeFile(join(dataDir, 'tablao-worker-credentials.yaml'), 'nothing useful: here\n');
    const damaged = await tablao('worker', '--data-dir', dataDir, '--manager', manager.url);
    assert.equal(damaged.code, 1);
    assert.match(damaged.stderr, /does not hold a worker_id and worker_secret; delete it and the worker registers again/);
    for (const result of [unusable, damaged]) assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('says which manager, Blender and FFmpeg it uses; on SIGTERM it stops its task, hands it back, signs off and exits 0', async () => {
    const dataDir = await newDataDir();
    const child = spawn(process.execPath, [TABLAO_SCRIPT, 'worker', '--manager', manager.url, '--data-dir', dataDir, '--name', 'cli-worker'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const jobId = await submit(manager, echoSleepJob('for the cli worker', { sleep_duration_seconds: 600 }));
      const sleeping = await waitFor('the worker to run the sleep task', async () => (await tasksOf(manager, jobId)).find((t) => t.name === 'sleep' && t.status === 'active'), 20_000);
      assert.match(output, new RegExp(`Tablao worker "cli-worker" works for the manager at ${manager.url.replaceAll('.', '\\.')} \\(data in `));
      assert.match(output, /\n {2}Blender: /);
      assert.match(output, /\n {2}FFmpeg: /);
      const credentials = await readFile(join(dataDir, 'tablao-worker-credentials.yaml'), 'utf8');
      const workerId = /worker_id: (\S+)/.exec(credentials)![1]!;

      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      const task = (await tasksOf(manager, jobId)).find((t) => t.id === sleeping.id)!;
      assert.equal(task.status, 'queued');
      assert.match(await taskLog(manager, task.id), /The worker is stopping; the task goes back to the queue\./);
      assert.equal((await workerRecord(manager, workerId)).status, 'offline');
      assert.match(output, /The worker stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
