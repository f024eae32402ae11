// Every operation handler, by operationId. Each group lives in its own module.

import type { ManagerHandlers } from '../http/operation-types.ts';
import type { ManagerServices } from './context.ts';
import { jobTypeHandlers } from './job-types.ts';
import { jobHandlers } from './jobs.ts';
import { metaHandlers } from './meta.ts';
import { taskLogHandlers } from './task-logs.ts';
import { lastRenderedHandlers } from './last-rendered.ts';
import { eventHandlers } from './events.ts';
import { configurationHandlers } from './configuration.ts';
import { workerManagementHandlers } from './worker-mgt.ts';
import { workerHandlers } from './worker.ts';
import { shamanHandlers } from './shaman.ts';

/** Every operation has its handler; the compiler checks that none is missing. */
export function allHandlers(services: ManagerServices): ManagerHandlers {
  return {
    ...metaHandlers(services),
    ...configurationHandlers(services),
    ...workerManagementHandlers(services),
    ...jobTypeHandlers(services),
    ...jobHandlers(services),
    ...taskLogHandlers(services),
    ...lastRenderedHandlers(services),
    ...eventHandlers(services),
    ...workerHandlers(services),
    ...shamanHandlers(services),
  };
}
