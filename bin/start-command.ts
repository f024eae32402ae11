// `tablao start` (what `npm start` runs): starts the farm on this machine. The manager and
// the worker are still being built; until they land, this says what can be used already.

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('Usage: tablao start\n\nStarts the farm on this machine: the manager, one local worker and the studio.\n');
    return 0;
  }
  process.stdout.write(
    [
      'Tablao: the manager, the worker and the studio are not built yet, so there is no farm to start.',
      'What works today is the job compiler:',
      '',
      '  npx tablao compile job-types/echo-sleep-test.js job-types/examples/echo-sleep-test/<case>.job.json',
      '',
      'Run `npx tablao --help` for every command.',
      '',
    ].join('\n'),
  );
  return 0;
}
