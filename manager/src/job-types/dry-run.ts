// A dry-run compiles a job exactly as a submission would, against the stored job type or an
// unsaved script, and stores nothing. With an unsaved script the job's `type_etag` is not
// checked: the script is new, so no client can hold its etag.

import { CompileError, type CompiledJob, type JobCompiler, type JobTypeSource, type SubmittedJob } from '@tablao/compiler';
import type { Clock } from '../clock.ts';
import { notFound } from '../http/http-error.ts';
import { compileErrorReply } from './compile-error-reply.ts';
import type { JobTypeRegistry } from './registry.ts';

export interface DryRunServices {
  compiler: JobCompiler;
  registry: JobTypeRegistry;
  clock: Clock;
}

export interface DryRunRequest {
  job: SubmittedJob;
  /** An unsaved script to compile as the job type named in `job.type`. */
  source?: string;
  /** `job.created` during the compile (ISO text); now by default. */
  now?: string;
}

export async function dryRun(services: DryRunServices, request: DryRunRequest): Promise<CompiledJob> {
  const { job } = request;
  try {
    let source: JobTypeSource;
    let submission = job;
    if (request.source !== undefined) {
      source = await services.registry.unsavedSource(job.type, request.source);
      submission = withoutTypeEtag(job);
    } else {
      const entry = await services.registry.get(job.type);
      if (!entry) {
        const known = (await services.registry.names()).sort().join(', ');
        throw notFound(`there is no job type "${job.type}"; known types: ${known}. To try a new script, send it as "source"`);
      }
      source = entry.source;
    }
    return await services.compiler.compile(source, submission, { now: request.now ? new Date(request.now) : services.clock() });
  } catch (error) {
    if (error instanceof CompileError) throw compileErrorReply(error);
    throw error;
  }
}

export function withoutTypeEtag(job: SubmittedJob): SubmittedJob {
  const { type_etag: _etag, ...rest } = job;
  return rest;
}
