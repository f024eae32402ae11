// Meta operations: who this manager is, whether it is set up, and how the farm is doing.

import { isShamanEnabled } from '../config/config.ts';
import { farmStatus } from '../domain/farm-status.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { countJobsByStatus, countWorkersByStatus } from '../storage/farm-counts.ts';
import type { ManagerServices } from './context.ts';

/** The Flamenco version whose API this manager speaks; the add-on compares it with its own. */
export const FLAMENCO_COMPATIBLE_VERSION = '3.9';

export function metaHandlers(services: ManagerServices) {
  return {
    getVersion: () => ({
      version: `${FLAMENCO_COMPATIBLE_VERSION} (Tablao ${services.version})`,
      shortversion: FLAMENCO_COMPATIBLE_VERSION,
      name: services.config.managerName,
      git: services.version,
    }),

    getConfiguration: () => ({
      storageLocation: services.config.sharedStoragePath,
      shamanEnabled: isShamanEnabled(services.config),
      isFirstRun: services.config.sharedStoragePath === '',
    }),

    // Worked out on every request from the current counts (Flamenco polls every 30 s and
    // answers `starting` until its first look), so the answer is never stale.
    getFarmStatus: async () => {
      const [workers, jobs] = await Promise.all([countWorkersByStatus(services.db), countJobsByStatus(services.db)]);
      return { status: farmStatus(workers, jobs) };
    },
  } satisfies OperationHandlers;
}
