// A real manager (in-process, SQLite, from the manager's test support) and real workers, for
// the worker's integration tests. Workers get short waits so that tests run fast; what they do
// is the same as with the defaults.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startTestManager, type TestManager } from '../../../manager/test/support/test-manager.ts';
import type { CommandRunner } from '../../src/commands/command.ts';
import { commandRunners } from '../../src/commands/index.ts';
import { loadWorkerConfig, type WorkerConfigOverrides } from '../../src/config/worker-config.ts';
import { startWorker, type RunningWorker, type StartWorkerOptions, type WorkerTiming } from '../../src/worker.ts';

export type { TestManager };

const QUICK = { initialMs: 20, maximumMs: 150, factor: 1.5, jitter: 0.1 };

export const FAST_TIMING: Partial<WorkerTiming> = {
  mayIRunIntervalMs: 50,
  asleepPollMs: 50,
  noTaskBackoff: QUICK,
  unreachableBackoff: QUICK,
  queueRetryBackoff: QUICK,
  reporter: { flushIntervalMs: 20, maxBatchChars: 64 * 1024, maxLineChars: 4096 },
  shutdownGraceMs: 3_000,
  requestTimeoutMs: 5_000,
};

export const testLog = pino({ level: process.env.TEST_LOG ?? 'silent' });

/** A SQLite manager on 127.0.0.1 with a data folder of its own. */
export function startManager(overrides: Parameters<typeof startTestManager>[1] = {}): Promise<TestManager> {
  return startTestManager('sqlite', overrides);
}

export interface TestWorkerOptions {
  /** The data folder; a new one when left out (reuse one to restart a worker). */
  dataDir?: string;
  name?: string;
  runners?: Readonly<Record<string, CommandRunner>>;
  config?: WorkerConfigOverrides;
  timing?: Partial<WorkerTiming>;
  extra?: Partial<StartWorkerOptions>;
}

export interface TestWorker extends RunningWorker {
  dataDir: string;
}

const dataDirs: string[] = [];

export async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tablao-worker-'));
  dataDirs.push(dir);
  return dir;
}

/** Removes the data folders made by newDataDir. */
export async function removeDataDirs(): Promise<void> {
  await Promise.all(dataDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function startTestWorker(managerUrl: string, options: TestWorkerOptions = {}): Promise<TestWorker> {
  const dataDir = options.dataDir ?? (await newDataDir());
  const config = await loadWorkerConfig({ dataDir, managerUrl, workerName: options.name ?? 'test-worker', ...options.config });
  const worker = await startWorker({
    config,
    commandRunners: options.runners ?? commandRunners,
    environment: { allowedExecutables: [], platform: process.platform },
    log: testLog,
    timing: { ...FAST_TIMING, ...options.timing },
    ...options.extra,
  });
  return {
    dataDir,
    name: worker.name,
    get id() {
      return worker.id;
    },
    get status() {
      return worker.status;
    },
    stopped: worker.stopped,
    stop: () => worker.stop(),
  };
}

/** Polls `check` until it gives something other than undefined/false; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function echoSleepJob(name: string, settings: { message?: string; sleep_duration_seconds?: number; sleep_repeats?: number } = {}) {
  return {
    name,
    type: 'echo-sleep-test',
    priority: 50,
    submitter_platform: 'linux',
    settings: { message: 'hello from the test', sleep_duration_seconds: 0, sleep_repeats: 1, ...settings },
  };
}

/** Submits a job; returns its id. */
export async function submit(manager: TestManager, job: unknown): Promise<string> {
  const response = await manager.request('POST', '/api/v3/jobs', job);
  assert.equal(response.status, 200, response.text);
  return response.body.id as string;
}

export interface TaskSummary {
  id: string;
  name: string;
  status: string;
  steps_completed: number;
  steps_total: number;
}

export async function tasksOf(manager: TestManager, jobId: string): Promise<TaskSummary[]> {
  const response = await manager.request('GET', `/api/v3/jobs/${jobId}/tasks`);
  assert.equal(response.status, 200, response.text);
  return response.body.tasks;
}

/** A task with everything the manager keeps of it (activity, commands, …). */
export async function task(manager: TestManager, taskId: string): Promise<TaskSummary & { activity: string } & Record<string, unknown>> {
  const response = await manager.request('GET', `/api/v3/tasks/${taskId}`);
  assert.equal(response.status, 200, response.text);
  return response.body;
}

export async function jobStatus(manager: TestManager, jobId: string): Promise<string> {
  const response = await manager.request('GET', `/api/v3/jobs/${jobId}`);
  assert.equal(response.status, 200, response.text);
  return response.body.status;
}

export async function taskLog(manager: TestManager, taskId: string): Promise<string> {
  const info = await manager.request('GET', `/api/v3/tasks/${taskId}/log`);
  if (info.status === 204) return '';
  assert.equal(info.status, 200, info.text);
  const file = await fetch(manager.url + info.body.url);
  return file.text();
}

export async function workerRecord(manager: TestManager, workerId: string): Promise<{ status: string; name: string; task?: { id: string } } & Record<string, unknown>> {
  const response = await manager.request('GET', `/api/v3/worker-mgt/workers/${workerId}`);
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** A command runner that waits until stopped, like a long render. */
export const untilStopped: CommandRunner = (context) =>
  new Promise((_resolve, reject) => {
    const stopped = () => reject(new Error('stopped'));
    if (context.signal.aborted) stopped();
    context.signal.addEventListener('abort', stopped, { once: true });
  });
