// The thread of log-writer.ts: does the task logs' file writes, in the order they were asked for.

import { parentPort } from 'node:worker_threads';
import { OpenLogs } from './open-logs.ts';
import type { LogWriterReply, LogWriterRequest } from './log-writer.ts';

const logs = new OpenLogs();

parentPort?.on('message', (requests: LogWriterRequest[]) => {
  parentPort?.postMessage(requests.map(carryOut));
});

function carryOut(request: LogWriterRequest): LogWriterReply {
  try {
    if (request.kind === 'append') logs.append(request.file, request.folder, request.content);
    else if (request.kind === 'close-in') logs.closeIn(request.folder);
    else logs.closeAll();
    return { id: request.id };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { id: request.id, error: { message, ...(code === undefined ? {} : { code }) } };
  }
}
