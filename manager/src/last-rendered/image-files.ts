// The last-rendered images at the URLs `fetchJobLastRenderedInfo` gives (Flamenco's
// /job-files/job-<first 4 of job id>/<job id>/<size>.jpg). Only the three file names are
// served, so no request can reach another file.

import { open, type FileHandle } from 'node:fs/promises';
import type { Context, Next } from 'koa';
import { HttpError } from '../http/http-error.ts';
import { isLastRenderedFileName, type LastRenderedStore } from './last-rendered-store.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const IMAGE_PATH = new RegExp(`^/job-files/job-([0-9a-f]{4})/(${UUID})/(last-rendered[a-z-]*\\.jpg)$`);

export function lastRenderedFiles(store: LastRenderedStore) {
  return async function serveLastRendered(ctx: Context, next: Next): Promise<void> {
    const match = IMAGE_PATH.exec(ctx.path);
    if (!match || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const [, prefix, jobId, name] = match as unknown as [string, string, string, string];
    const missing = new HttpError(404, `there is no image at ${ctx.path}; ask GET /api/v3/jobs/${jobId}/last-rendered for the job's image URLs`);
    if (!jobId.startsWith(prefix) || !isLastRenderedFileName(name)) throw missing;
    const file = store.file(jobId, name);
    // Opened first: a new frame renamed into place meanwhile does not mix with this one.
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch {
      throw missing;
    }
    let info;
    try {
      info = await handle.stat();
    } catch (error) {
      await handle.close();
      throw error;
    }
    // The image is replaced with every new frame: browsers must ask again, and may get a 304.
    ctx.set('Cache-Control', 'no-cache');
    ctx.lastModified = info.mtime;
    ctx.etag = `"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"`;
    ctx.status = 200;
    if (ctx.fresh || ctx.method === 'HEAD') {
      await handle.close();
      if (ctx.fresh) ctx.status = 304;
      else {
        ctx.type = 'image/jpeg';
        ctx.length = info.size;
      }
      return;
    }
    ctx.type = 'image/jpeg';
    ctx.body = handle.createReadStream();
    ctx.length = info.size;
  };
}
