// The shape checks a submitted job must pass before its job type's script runs. The manager's
// OpenAPI validation does the same for HTTP; this keeps the CLI and library callers honest.

import { CompileError, type SettingProblem } from './errors.ts';
import type { SubmittedJob } from './types.ts';

export function checkSubmission(submission: unknown): asserts submission is SubmittedJob {
  const problems: SettingProblem[] = [];
  const add = (field: string, message: string) => problems.push({ setting: field, message });
  if (submission === null || typeof submission !== 'object' || Array.isArray(submission)) {
    throw new CompileError('submission', 'the job must be a JSON object with at least "name", "type" and "priority"');
  }
  const job = submission as Record<string, unknown>;
  if (typeof job.name !== 'string' || job.name.trim() === '') add('name', '"name" must be a non-empty text');
  if (typeof job.type !== 'string' || job.type.trim() === '') add('type', '"type" must name a job type');
  if (typeof job.priority !== 'number' || !Number.isInteger(job.priority) || job.priority < 0 || job.priority > 100) {
    add('priority', '"priority" must be a whole number from 0 to 100 (50 is the usual)');
  }
  if (job.settings !== undefined && !isPlainObject(job.settings)) add('settings', '"settings" must be an object');
  if (job.metadata !== undefined) {
    if (!isPlainObject(job.metadata)) add('metadata', '"metadata" must be an object of texts');
    else {
      for (const [key, value] of Object.entries(job.metadata)) {
        if (typeof value !== 'string') add('metadata', `"metadata.${key}" must be a text, not ${typeof value}`);
      }
    }
  }
  if (job.type_etag !== undefined && typeof job.type_etag !== 'string') add('type_etag', '"type_etag" must be a text');
  if (job.worker_tag !== undefined && typeof job.worker_tag !== 'string') add('worker_tag', '"worker_tag" must be a text');
  if (problems.length > 0) {
    throw new CompileError('submission', `the job is not valid:\n${problems.map((p) => `- ${p.message}`).join('\n')}`, {
      problems,
    });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
