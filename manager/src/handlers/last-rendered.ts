// Last-rendered images: a worker sends a frame it rendered (`taskOutputProduced`); people ask
// where a job's (or the farm's) latest image is.

import type { Context } from 'koa';
import { requestWorker } from '../http/worker-auth.ts';
import { HttpError, conflict, notFound } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import { ImageQueue } from '../last-rendered/image-queue.ts';
import { lastRenderedInfo, LastRenderedStore } from '../last-rendered/last-rendered-store.ts';
import { processImage } from '../last-rendered/process-image.ts';
import { inspectImage, UnusableImageError } from '../last-rendered/thumbnails.ts';
import type { ManagerServices } from './context.ts';

export function lastRenderedHandlers(services: ManagerServices) {
  const { db, events, log } = services;
  const store = new LastRenderedStore(services.config.dataDir);
  const queue = new ImageQueue({
    process: (item) => processImage({ db, store, events }, item),
    onError: (error, item) => log.warn({ err: error, job: item.jobId, worker: item.workerId }, 'could not make thumbnails of a last-rendered image'),
  });

  const infoOf = async (jobId: string) => ((await store.hasImage(jobId)) ? lastRenderedInfo(jobId) : Reply.withoutBody(204));

  return {
    taskOutputProduced: async ({ params, body: image }, ctx: Context) => {
      const worker = await requestWorker(db, ctx);
      const taskId = params.task_id;
      if (!ctx.get('content-length')) {
        throw new HttpError(411, 'send the image with a Content-Length header (not chunked), so the manager can refuse one that is too large before reading it');
      }
      const task = await db('tasks').where('id', taskId).first<{ job_id: string; worker_id: string | null } | undefined>('job_id', 'worker_id');
      if (!task) throw notFound(`there is no task ${taskId}`);
      if (task.worker_id !== worker.id) {
        throw conflict(`task ${taskId} is not assigned to worker ${worker.id}; send images only for the task you are running`);
      }
      try {
        await inspectImage(image);
      } catch (error) {
        if (error instanceof UnusableImageError) throw new HttpError(error.tooLarge ? 413 : 415, error.message);
        throw error;
      }
      if (!queue.offer({ jobId: task.job_id, workerId: worker.id, image })) {
        throw new HttpError(429, 'images arrive faster than the manager makes thumbnails; this one is skipped, send the next one later');
      }
      return Reply.withoutBody(202);
    },

    fetchJobLastRenderedInfo: async ({ params }) => {
      const jobId = params.job_id;
      if (!(await db('jobs').where('id', jobId).first('id'))) throw notFound(`there is no job ${jobId}`);
      return infoOf(jobId);
    },

    fetchGlobalLastRenderedInfo: async () => {
      const jobId = await store.latestJob();
      return jobId ? infoOf(jobId) : Reply.withoutBody(204);
    },
  } satisfies OperationHandlers;
}
