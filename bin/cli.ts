// Dispatches `tablao <command>` to the part of Tablao that owns the command.
// Each command module exports `run(args): Promise<number>` and is loaded only when used.

export interface CommandModule {
  run(args: string[]): Promise<number>;
}

interface CommandEntry {
  summary: string;
  load(): Promise<CommandModule>;
}

export const commands: Record<string, CommandEntry> = {
  start: {
    summary: 'start the farm on this machine: the manager and one local worker',
    load: () => import('./start-command.ts'),
  },
  manager: {
    summary: 'run the manager: the farm\'s API, storage and scheduling',
    load: () => import('../manager/src/cli/manager-command.ts'),
  },
  worker: {
    summary: 'run a worker: ask the manager for tasks and run them (Blender, FFmpeg, file commands)',
    load: () => import('../worker/src/cli/worker-command.ts'),
  },
  compile: {
    summary: 'compile a job with a job-type script in the sandbox and print the compiled job',
    load: () => import('../compiler/src/cli/compile-command.ts'),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return [
    'Usage: tablao <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `tablao <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 1 : 0;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`tablao: unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest);
}
