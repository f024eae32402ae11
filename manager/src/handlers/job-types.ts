// Job-type operations: the list the add-on builds its forms from, and one type.

import { CompileError } from '@tablao/compiler';
import type { OperationHandler } from '../http/router.ts';
import { notFound } from '../http/http-error.ts';
import { compileErrorResponse } from '../jobs/compile-error-response.ts';
import type { ManagerServices } from './context.ts';

export function jobTypeHandlers(services: ManagerServices): Record<string, OperationHandler> {
  return {
    getJobTypes: async () => {
      const { loaded, broken } = await services.registry.list();
      for (const type of broken) {
        services.log.warn({ jobType: type.source.name, origin: type.origin, error: type.error.message }, 'job type cannot be loaded');
      }
      return { job_types: loaded.map((t) => t.info) };
    },

    getJobType: async ({ params }) => {
      const name = params.typeName as string;
      try {
        const type = await services.registry.get(name);
        if (!type) throw notFound(`there is no job type "${name}"`);
        return type.info;
      } catch (error) {
        if (error instanceof CompileError) throw compileErrorResponse(error);
        throw error;
      }
    },
  };
}
