// Live updates: `streamEvents` answers with one long-lived Server-Sent Events stream.

import { completeEvent } from '../events/event-payloads.ts';
import { EventStreamHub, TooManyStreamsError, type StreamFilter } from '../events/event-stream-hub.ts';
import { HttpError } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import type { ManagerServices } from './context.ts';

/** A client this far behind (bytes queued for it) is cut off; it reconnects and resumes. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
/** How long a browser waits before reconnecting, in ms. */
const RETRY_MS = 3000;

export function eventHandlers(services: ManagerServices) {
  const hub = new EventStreamHub(services.events, {
    complete: (event) => completeEvent(services.db, event),
    onError: (error) => services.log.warn({ err: error }, 'could not complete an event payload; sending it as published'),
  });

  return {
    streamEvents: ({ query }, ctx) => {
      const filter: StreamFilter = {
        ...(query.types ? { types: new Set(query.types) } : {}),
        ...(typeof query.job_id === 'string' ? { jobId: query.job_id } : {}),
        ...(typeof query.task_id === 'string' ? { taskId: query.task_id } : {}),
      };
      // The response is written here rather than by Koa, so that a client going away is the
      // normal end of a stream and not an error.
      const res = ctx.res;
      const early: string[] = [];
      let started = false;
      const sink = {
        write(text: string) {
          if (!started) early.push(text);
          else if (res.writableLength > MAX_BACKLOG_BYTES) res.destroy();
          else res.write(text);
        },
        // Only when the manager stops: the connection goes too, so the server can close.
        end: () => res.end(() => res.socket?.end()),
      };
      let handle;
      try {
        handle = hub.open(ctx.ip, filter, ctx.get('last-event-id') || undefined, sink);
      } catch (error) {
        if (error instanceof TooManyStreamsError) throw new HttpError(429, error.message);
        throw error;
      }
      res.once('close', handle.close);
      if (!res.socket || res.socket.destroyed) handle.close(); // Gone already.
      ctx.respond = false;
      ctx.req.socket.setNoDelay(true);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        // Tells nginx not to buffer the stream.
        'X-Accel-Buffering': 'no',
      });
      res.write(`retry: ${RETRY_MS}\n: connected\n\n${early.join('')}`);
      started = true;
      return Reply.withoutBody(200);
    },
  } satisfies OperationHandlers;
}
