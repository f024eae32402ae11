// Task logs: the tail, where to download the whole log, and reading it a chunk at a time.

import { HttpError, notFound } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import type { Database } from '../storage/database.ts';
import { taskLogUrl } from '../task-logs/log-download.ts';
import { OffsetPastEndError } from '../task-logs/task-log-store.ts';
import type { ManagerServices } from './context.ts';

async function jobOfTask(db: Database, taskId: string): Promise<string> {
  const row = await db('tasks').where('id', taskId).first<{ job_id: string } | undefined>('job_id');
  if (!row) throw notFound(`there is no task ${taskId}`);
  return row.job_id;
}

export function taskLogHandlers(services: ManagerServices) {
  const { db, taskLogs } = services;
  return {
    fetchTaskLogTail: async ({ params }) => {
      const taskId = params.task_id;
      const tail = await taskLogs.tail(await jobOfTask(db, taskId), taskId);
      if (tail === '') return Reply.withoutBody(204);
      return new Reply(200, tail, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
    },

    fetchTaskLogInfo: async ({ params }) => {
      const taskId = params.task_id;
      const jobId = await jobOfTask(db, taskId);
      const size = await taskLogs.size(jobId, taskId);
      if (size === 0) return Reply.withoutBody(204);
      return { task_id: taskId, job_id: jobId, url: taskLogUrl(jobId, taskId), size };
    },

    fetchTaskLogChunk: async ({ params, query }) => {
      const taskId = params.task_id;
      const jobId = await jobOfTask(db, taskId);
      const offset = query.offset ?? 0;
      try {
        const chunk = await taskLogs.chunk(jobId, taskId, offset, query.limit ?? 65536);
        if (!chunk) return Reply.withoutBody(204);
        return { task_id: taskId, job_id: jobId, offset: chunk.offset, next_offset: chunk.nextOffset, size: chunk.size, text: chunk.text };
      } catch (error) {
        if (error instanceof OffsetPastEndError) throw new HttpError(416, `${error.message}; read from an offset up to the log's size`);
        throw error;
      }
    },
  } satisfies OperationHandlers;
}
