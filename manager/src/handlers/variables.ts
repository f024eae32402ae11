// The variables of the running configuration, and what submissions do with them. The setup
// assistant may change the shared storage while the manager runs, so the table is built again
// whenever the configuration's variables or storage path changed.

import type { SubmittedJob } from '@tablao/compiler';
import { effectiveJobsPath } from '../config/config.ts';
import { buildVariableTable, replaceSubmittedValuesWithVariables, type VariableTable } from '../domain/variables.ts';
import type { ManagerServices } from './context.ts';

export function currentVariableTable(services: Pick<ManagerServices, 'config' | 'log'>): () => VariableTable {
  let built: { definitions: unknown; jobsPath: string; table: VariableTable } | undefined;
  return () => {
    const definitions = services.config.variables;
    const jobsPath = effectiveJobsPath(services.config);
    if (built?.definitions !== definitions || built.jobsPath !== jobsPath) {
      const { table, warnings } = buildVariableTable(definitions, { jobsPath });
      for (const warning of warnings) services.log.debug(warning);
      built = { definitions, jobsPath, table };
    }
    return built.table;
  };
}

/**
 * How the manager compiles a submission: with the values of two-way variables for the
 * submitter's platform put back as `{name}`, so that every worker gets the paths its own
 * platform uses (Flamenco does this on submit and on check).
 */
export function submissionWithVariables(
  services: Pick<ManagerServices, 'config' | 'log' | 'platform'>,
): <Job extends SubmittedJob>(job: Job) => Job {
  const table = currentVariableTable(services);
  return (job) => replaceSubmittedValuesWithVariables(job, table(), job.submitter_platform ?? services.platform, services.platform);
}
