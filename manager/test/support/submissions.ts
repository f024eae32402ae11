// Jobs submitted through the API, of the built-in echo-sleep-test type: one echo task, then
// `sleep_repeats` sleep tasks that wait for it.

import assert from 'node:assert/strict';
import type { Schema } from '@tablao/api-client';
import type { TestManager } from './test-manager.ts';

/** An echo-sleep-test submission of three tasks; `overrides` replace whole fields. */
export function echoSubmission(overrides: Partial<Schema<'SubmittedJob'>> = {}): Schema<'SubmittedJob'> {
  return {
    name: 'echo test',
    type: 'echo-sleep-test',
    priority: 50,
    submitter_platform: 'linux',
    settings: { message: 'hello', sleep_repeats: 2 },
    ...overrides,
  };
}

/** Submits the job, which must be accepted; its id, and its tasks' ids in task order. */
export async function submitEchoJob(manager: TestManager, overrides: Partial<Schema<'SubmittedJob'>> = {}): Promise<{ jobId: string; taskIds: string[] }> {
  const submitted = await manager.request('POST', '/api/v3/jobs', echoSubmission(overrides));
  assert.equal(submitted.status, 200, submitted.text);
  const tasks = await manager.request('GET', `/api/v3/jobs/${submitted.body.id}/tasks`);
  return { jobId: submitted.body.id, taskIds: tasks.body.tasks.map((task: { id: string }) => task.id) };
}
