import { constants } from 'node:fs';
import { copyFile as copy, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

import { pathFor } from '../platform/platform-rules.ts';
import { CommandError, type CommandContext } from './command.ts';
import { fileErrorReason } from './file-errors.ts';
import { parametersOf } from './parameters.ts';

// `copy-file`: copies one file to an absolute destination, creating missing folders. It never
// overwrites: a destination that exists fails the command (the check and the copy are one
// step, so nothing can appear in between).

const COMMAND = 'copy-file';

export async function copyFile(context: CommandContext): Promise<void> {
  const read = parametersOf(COMMAND, context.parameters);
  const src = read.string('src', 'the absolute path of the file to copy');
  const dest = read.string('dest', 'the absolute path to copy the file to');
  const paths = pathFor(context.environment.platform);
  for (const [name, path] of [['src', src], ['dest', dest]] as const) {
    if (!paths.isAbsolute(path)) {
      throw new CommandError(`${COMMAND}: parameter "${name}" must be an absolute path, not ${JSON.stringify(path)}; fix the job type that made this task`);
    }
  }

  const source = await stat(src).catch((error: unknown) => {
    throw new CommandError(`${COMMAND}: cannot copy ${JSON.stringify(src)}: ${fileErrorReason(error)}`);
  });
  if (!source.isFile()) throw new CommandError(`${COMMAND}: cannot copy ${JSON.stringify(src)}: it is not a regular file`);

  context.log(`${COMMAND}: copying ${JSON.stringify(src)} to ${JSON.stringify(dest)}`);
  try {
    await mkdir(dirname(dest), { recursive: true, mode: 0o750 });
    await copy(src, dest, constants.COPYFILE_EXCL);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists already, and copy-file never overwrites' : fileErrorReason(error);
    throw new CommandError(`${COMMAND}: could not copy ${JSON.stringify(src)} to ${JSON.stringify(dest)}: ${reason}`);
  }
  context.log(`${COMMAND}: copied ${JSON.stringify(src)} to ${JSON.stringify(dest)}`);
}
