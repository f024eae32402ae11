// Meta operations: who this manager is and how it is set up.

import type { OperationHandler } from '../http/router.ts';
import type { ManagerServices } from './context.ts';

/** The Flamenco version whose API this manager speaks; the add-on compares it with its own. */
export const FLAMENCO_COMPATIBLE_VERSION = '3.9';

export function metaHandlers(services: ManagerServices): Record<string, OperationHandler> {
  return {
    getVersion: () => ({
      version: `${FLAMENCO_COMPATIBLE_VERSION} (Tablao ${services.version})`,
      shortversion: FLAMENCO_COMPATIBLE_VERSION,
      name: services.config.managerName,
      git: services.version,
    }),
    getConfiguration: () => ({
      storageLocation: services.config.sharedStoragePath,
      shamanEnabled: false,
      isFirstRun: services.config.sharedStoragePath === '',
    }),
  };
}
