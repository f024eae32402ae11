// Every operation handler, by operationId. Each group lives in its own module.

import type { OperationHandler } from '../http/router.ts';
import type { ManagerServices } from './context.ts';
import { jobTypeHandlers } from './job-types.ts';
import { jobHandlers } from './jobs.ts';
import { metaHandlers } from './meta.ts';

export function allHandlers(services: ManagerServices): Record<string, OperationHandler> {
  return {
    ...metaHandlers(services),
    ...jobTypeHandlers(services),
    ...jobHandlers(services),
  };
}
