// Job operations: submit, check, read and list jobs and their tasks.

import type { SubmittedJob } from '@tablao/compiler';
import { Reply, type OperationHandler } from '../http/router.ts';
import { notFound } from '../http/http-error.ts';
import { compileSubmission, submitJob } from '../jobs/submit-job.ts';
import { fetchJob, fetchJobs, fetchJobTasks } from '../storage/jobs.ts';
import { apiJob, apiTaskSummary } from './api-shapes.ts';
import type { ManagerServices } from './context.ts';

export function jobHandlers(services: ManagerServices): Record<string, OperationHandler> {
  return {
    submitJob: async ({ body }) => apiJob(await submitJob(services, body as SubmittedJob)),

    submitJobCheck: async ({ body }) => {
      await compileSubmission(services, body as SubmittedJob, '00000000-0000-4000-8000-000000000000');
      return new Reply(204);
    },

    fetchJob: async ({ params }) => {
      const job = await fetchJob(services.db, params.job_id as string);
      if (!job) throw notFound(`there is no job ${String(params.job_id)}`);
      return apiJob(job);
    },

    fetchJobs: async ({ query }) => {
      const { jobs, total } = await fetchJobs(services.db, {
        offset: (query.offset as number | undefined) ?? 0,
        limit: (query.limit as number | undefined) ?? 1000,
      });
      return new Reply(200, { jobs: jobs.map(apiJob) }, { 'X-Total-Count': String(total) });
    },

    fetchJobTasks: async ({ params, query }) => {
      const jobId = params.job_id as string;
      if (!(await fetchJob(services.db, jobId))) throw notFound(`there is no job ${jobId}`);
      const { tasks, total } = await fetchJobTasks(services.db, jobId, {
        offset: (query.offset as number | undefined) ?? 0,
        limit: (query.limit as number | undefined) ?? 100_000,
      });
      return new Reply(200, { tasks: tasks.map(apiTaskSummary) }, { 'X-Total-Count': String(total) });
    },
  };
}
