import { realpath } from 'node:fs/promises';

import { findExecutable, type ExecutableLookup } from '../platform/find-executable.ts';
import { samePath } from '../platform/platform-rules.ts';
import { CommandError, type CommandContext } from './command.ts';
import { parametersOf } from './parameters.ts';
import { runLoggedProcess } from './run-logged-process.ts';

// `exec`: runs an executable with arguments, directly (never through a shell). A task may run
// only what the worker's configuration allows, so that whoever can submit jobs cannot run
// arbitrary programs on every render machine. The check compares the files both names lead to
// (after PATH lookup and symbolic links), and the looked-up path is what runs: allowing
// `ffprobe` allows the ffprobe found on PATH, not a file of that name somewhere else.

const COMMAND = 'exec';
export const ALLOWED_EXECUTABLES_SETTING = 'allowed_executables';

export async function execCommand(context: CommandContext): Promise<void> {
  const read = parametersOf(COMMAND, context.parameters);
  const exe = read.string('exe', 'the executable to run');
  const args = read.argumentList('args');
  const lookup: ExecutableLookup = { platform: context.environment.platform, environment: process.env, cwd: process.cwd() };

  const executable = await allowedExecutable(exe, context.environment.allowedExecutables, lookup);
  if (executable === undefined) {
    throw new CommandError(
      `${COMMAND}: ${JSON.stringify(exe)} is not an executable this worker may run; ` +
        `to allow it, add it to ${ALLOWED_EXECUTABLES_SETTING} in the worker's tablao-worker.yaml`,
    );
  }
  await runLoggedProcess({
    context,
    command: COMMAND,
    program: exe,
    executable,
    args,
    notFoundAdvice: `install it on this worker, or correct the path in the task's exe parameter and in ${ALLOWED_EXECUTABLES_SETTING}`,
  });
}

/**
 * What to run for `exe`: its resolved path when an allowed entry resolves to the same file, else
 * undefined. An allowed name that resolves to nothing still allows that exact name, so that a
 * missing program fails as "not found" rather than as "not allowed".
 */
export async function allowedExecutable(
  exe: string,
  allowed: readonly string[],
  lookup: ExecutableLookup,
): Promise<string | undefined> {
  const resolved = await findExecutable(exe, lookup);
  const target = resolved === undefined ? undefined : await fileBehind(resolved);
  for (const entry of allowed) {
    if (entry === exe && resolved === undefined) return exe;
    if (resolved === undefined || target === undefined) continue;
    const allowedPath = await findExecutable(entry, lookup);
    if (allowedPath !== undefined && samePath(await fileBehind(allowedPath), target, lookup.platform)) return resolved;
  }
  return undefined;
}

function fileBehind(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}
