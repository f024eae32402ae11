// Submitting a job: find its job type, compile it in the sandbox, and store the job with all
// its tasks in one transaction. `check` compiles without storing (Flamenco's submitJobCheck).

import { randomUUID } from 'node:crypto';
import { CompileError, type CompiledJob, type JobCompiler, type SubmittedJob } from '@tablao/compiler';
import { timestamp, type Clock } from '../clock.ts';
import type { JobTypeRegistry } from '../job-types/registry.ts';
import type { Database } from '../storage/database.ts';
import { fetchJob, insertJob, type JobRecord } from '../storage/jobs.ts';
import { workerTagExists } from '../storage/worker-tags.ts';
import { compileErrorResponse } from './compile-error-response.ts';
import { HttpError } from '../http/http-error.ts';
import type { ManagerMetrics } from '../metrics/metrics.ts';
import type { EventBus } from '../events/event-bus.ts';

export interface SubmitJobDeps {
  db: Database;
  compiler: JobCompiler;
  registry: JobTypeRegistry;
  clock: Clock;
  /** The manager's own platform, for submissions whose platform is `manager`. */
  platform: string;
  metrics?: Pick<ManagerMetrics, 'recordCompile'>;
  events: Pick<EventBus, 'publish'>;
}

export async function compileSubmission(
  deps: SubmitJobDeps,
  submitted: SubmittedJob,
  jobId: string,
): Promise<{ compiled: CompiledJob; origin: string; version: number | null; etag: string }> {
  let entry;
  try {
    entry = await deps.registry.get(submitted.type);
  } catch (error) {
    if (error instanceof CompileError) throw compileErrorResponse(error);
    throw error;
  }
  if (!entry) {
    const { loaded } = await deps.registry.list();
    throw new HttpError(400, `job type "${submitted.type}" is not known to this manager; known types: ${loaded.map((t) => t.info.name).join(', ')}`, {
      kind: 'unknown-type',
    });
  }
  if (submitted.worker_tag && !(await workerTagExists(deps.db, submitted.worker_tag))) {
    throw new HttpError(400, `worker tag ${submitted.worker_tag} does not exist; pick one of the farm's tags or leave worker_tag out`);
  }
  const started = performance.now();
  try {
    const compiled = await deps.compiler.compile(entry.source, submitted, { now: deps.clock(), jobId });
    return { compiled, origin: entry.origin, version: entry.version ?? null, etag: entry.info.etag };
  } catch (error) {
    if (error instanceof CompileError) throw compileErrorResponse(error);
    throw error;
  } finally {
    deps.metrics?.recordCompile(performance.now() - started);
  }
}

export async function submitJob(deps: SubmitJobDeps, submitted: SubmittedJob): Promise<JobRecord> {
  const jobId = randomUUID();
  const { compiled, origin, version, etag } = await compileSubmission(deps, submitted, jobId);
  await insertJob(deps.db, {
    id: jobId,
    compiled,
    jobTypeOrigin: origin,
    jobTypeVersion: version,
    jobTypeEtag: etag,
    status: submitted.initial_status === 'paused' ? 'paused' : 'queued',
    submitterPlatform: submitted.submitter_platform === 'manager' ? deps.platform : (submitted.submitter_platform ?? deps.platform),
    shamanCheckoutId: submitted.storage?.shaman_checkout_id ?? null,
    workerTagId: submitted.worker_tag || null,
    now: timestamp(deps.clock),
  });
  const job = await fetchJob(deps.db, jobId);
  if (!job) throw new Error(`job ${jobId} was stored but cannot be read back`);
  deps.events.publish({
    type: 'job',
    data: {
      id: job.id,
      name: job.name,
      type: job.jobType,
      priority: job.priority,
      status: job.status,
      updated: job.updatedAt,
      steps_completed: job.stepsCompleted,
      steps_total: job.stepsTotal,
    },
  });
  return job;
}
