// `tablao start` (what `npm start` runs): the farm on this machine — the manager, on the
// embedded SQLite database in ./tablao-data, and one local worker that keeps its own data in
// the manager's data folder (<data>/worker). Ctrl-C stops the worker first (it hands its task
// back and signs off while the manager still listens), then the manager. The manager serves
// the studio, built by `npm ci`.

import { join } from 'node:path';

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: tablao start [manager options]\n\n' +
        'Starts the farm on this machine: the manager (see `tablao manager --help`) and one local\n' +
        'worker with its data in the manager\'s data folder (<data>/worker; see `tablao worker --help`).\n',
    );
    return 0;
  }
  const manager = await import('../manager/src/cli/manager-command.ts');
  const worker = await import('../worker/src/cli/worker-command.ts');
  return manager.run(args, {
    async started(running, config) {
      const local = await worker.launchWorker({ managerUrl: running.url, dataDir: join(config.dataDir, 'worker') });
      if (typeof local === 'number') {
        process.stderr.write('The local worker did not start; the manager runs without it.\n');
        return async () => {};
      }
      return async () => {
        await local.stop();
      };
    },
  });
}
