// `tablao compile <job-type.js> <job.json> [--now <ISO time>]`: compiles one job in the
// sandbox and prints the compiled job as JSON. A thin shell over JobCompiler.

import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CompileError } from '../errors.ts';
import { JobCompiler } from '../job-compiler.ts';
import type { JobTypeSource } from '../types.ts';

const HELP = `Usage: tablao compile <job-type.js> <job.json> [--now <ISO time>]

Compiles the job described by job.json (a Flamenco SubmittedJob: name, type, priority,
settings, metadata) with the job-type script, in the same sandbox the manager uses, and
prints the compiled job ({job, tasks, log}) as JSON on stdout.

Options:
  --now <ISO time>  the job's creation time as the script sees it (job.created),
                    e.g. 2026-01-02T15:04:05Z; defaults to now
  -h, --help        show this help

Helper scripts beside job-type.js can be loaded by it with require('./name').
Exit status: 0 compiled, 1 the job or the script is wrong (the message says where), 2 usage.`;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { now: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const [scriptFile, jobFile, ...extra] = parsed.positionals;
  if (!scriptFile || !jobFile || extra.length > 0) return usageError('expected a job-type script and a job file');

  let now: Date | undefined;
  if (parsed.values.now !== undefined) {
    now = new Date(parsed.values.now);
    if (isNaN(now.getTime())) return usageError(`--now "${parsed.values.now}" is not a date and time; write it like 2026-01-02T15:04:05Z`);
  }

  let source: JobTypeSource;
  let submission: unknown;
  try {
    source = await loadScript(scriptFile);
    submission = await loadJob(jobFile);
  } catch (error) {
    return fail((error as Error).message);
  }

  const compiler = new JobCompiler({ poolSize: 1 });
  try {
    const compiled = await compiler.compile(source, submission as Parameters<JobCompiler['compile']>[1], now ? { now } : {});
    process.stdout.write(JSON.stringify(compiled, null, 2) + '\n');
    return 0;
  } catch (error) {
    if (error instanceof CompileError) return fail(describeCompileError(error, jobFile));
    throw error;
  } finally {
    compiler.dispose();
  }
}

function describeCompileError(error: CompileError, jobFile: string): string {
  switch (error.kind) {
    case 'settings':
    case 'submission':
    case 'etag':
      return `${jobFile}: ${error.message}`;
    default:
      return error.message;
  }
}

async function loadScript(file: string): Promise<JobTypeSource> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the job-type script ${file}: ${describeFsError(error)}`, { cause: error });
  }
  const filename = basename(file);
  const helpers: Record<string, string> = {};
  const folder = dirname(file);
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.js') && entry.name !== filename) {
      helpers[entry.name] = await readFile(join(folder, entry.name), 'utf8');
    }
  }
  return { name: filename.replace(/\.js$/, '').replaceAll('_', '-'), filename, source, helpers };
}

async function loadJob(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the job file ${file}: ${describeFsError(error)}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file} is not valid JSON (${(error as Error).message}); it should hold a job like {"name": "…", "type": "…", "priority": 50, "settings": {…}}`,
      { cause: error },
    );
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}

function usageError(message: string): number {
  process.stderr.write(`tablao compile: ${message}\n\n${HELP}\n`);
  return 2;
}

function fail(message: string): number {
  process.stderr.write(`tablao compile: ${message}\n`);
  return 1;
}
