import { mkdir } from 'node:fs/promises';

import { CommandError, type CommandContext } from './command.ts';
import { fileErrorReason } from './file-errors.ts';
import { parametersOf } from './parameters.ts';

// `make-directory`: creates a folder and its missing parents; an existing folder is fine.

const COMMAND = 'make-directory';

export async function makeDirectory(context: CommandContext): Promise<void> {
  const path = parametersOf(COMMAND, context.parameters).string('path', 'the folder to create');
  context.log(`${COMMAND}: creating directory ${JSON.stringify(path)}`);
  try {
    await mkdir(path, { recursive: true, mode: 0o775 });
  } catch (error) {
    throw new CommandError(`${COMMAND}: could not create directory ${JSON.stringify(path)}: ${fileErrorReason(error)}`);
  }
}
