// The worker's version, as it tells the manager at sign-on.

import workerPackage from '../package.json' with { type: 'json' };

export const WORKER_VERSION: string = workerPackage.version;
