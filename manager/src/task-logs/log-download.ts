// The whole log of a task as a file download, at the URL `fetchTaskLogInfo` gives: under
// /job-files/ as Flamenco serves its logs. Only exact log file names are served, so no request
// can reach another file.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Context, Next } from 'koa';
import { HttpError } from '../http/http-error.ts';
import type { TaskLogStore } from './task-log-store.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const LOG_PATH = new RegExp(`^/job-files/job-([0-9a-f]{4})/(${UUID})/task-(${UUID})\\.txt$`);

export function taskLogUrl(jobId: string, taskId: string): string {
  return `/job-files/job-${jobId.slice(0, 4)}/${jobId}/task-${taskId}.txt`;
}

export function taskLogDownload(taskLogs: TaskLogStore) {
  return async function serveTaskLog(ctx: Context, next: Next): Promise<void> {
    const match = LOG_PATH.exec(ctx.path);
    if (!match || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const [, prefix, jobId, taskId] = match as unknown as [string, string, string, string];
    if (!jobId.startsWith(prefix)) throw new HttpError(404, `there is no log at ${ctx.path}; ask GET /api/v3/tasks/{task_id}/log for its URL`);
    const file = taskLogs.file(jobId, taskId);
    await taskLogs.written(jobId, taskId);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new HttpError(404, `task ${taskId} of job ${jobId} has no log (yet); ask GET /api/v3/tasks/${taskId}/log for its URL`);
    }
    ctx.set('Content-Disposition', `attachment; filename="task-${taskId}.txt"`);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/plain; charset=utf-8';
    // The log may grow while it is sent: send the bytes it had when asked.
    ctx.body = size === 0 ? '' : createReadStream(file, { start: 0, end: size - 1 });
    ctx.length = size;
  };
}
