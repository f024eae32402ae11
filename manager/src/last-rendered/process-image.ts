// What happens to a queued render: its sizes are made and stored as the job's (and the farm's)
// latest image, and a `last-rendered` event tells the browsers.

import type { EventBus } from '../events/event-bus.ts';
import type { Database } from '../storage/database.ts';
import type { QueuedImage } from './image-queue.ts';
import { lastRenderedInfo, type LastRenderedStore } from './last-rendered-store.ts';
import { makeThumbnails } from './thumbnails.ts';

export interface ProcessImageDeps {
  db: Database;
  store: LastRenderedStore;
  events: EventBus;
}

export async function processImage(deps: ProcessImageDeps, { jobId, image }: QueuedImage): Promise<void> {
  const thumbnails = await makeThumbnails(image);
  // A job deleted while its image waited keeps no images.
  if (!(await deps.db('jobs').where('id', jobId).first('id'))) return;
  await deps.store.save(jobId, thumbnails);
  deps.events.publish({ type: 'last-rendered', data: { job_id: jobId, thumbnail: lastRenderedInfo(jobId) } });
}
