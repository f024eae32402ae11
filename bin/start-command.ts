// `tablao start` (what `npm start` runs): the farm on this machine. For now that is the
// manager, on the embedded SQLite database in ./tablao-data; the local worker and the studio
// join it as they are built.

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: tablao start [manager options]\n\nStarts the farm on this machine: the manager (see `tablao manager --help`).\n',
    );
    return 0;
  }
  const manager = await import('../manager/src/cli/manager-command.ts');
  return manager.run(args);
}
