import { lstat, readdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { CommandError, type CommandContext } from './command.ts';
import { fileErrorReason } from './file-errors.ts';
import { parametersOf } from './parameters.ts';

// `move-directory`: renames `src` to `dest`. Something already at `dest` (say, the frames of an
// earlier render) is never overwritten: it is first renamed to `dest-YYYY-MM-DD_HHMMSS` after its
// modification time, with `-001`, `-002`, … added when that name is taken too.

const COMMAND = 'move-directory';

export async function moveDirectory(context: CommandContext): Promise<void> {
  const read = parametersOf(COMMAND, context.parameters);
  const src = read.string('src', 'the folder to move');
  const dest = withoutTrailingSeparator(read.string('dest', 'where to move the folder to'));

  if ((await statOrUndefined(src)) === undefined) {
    throw new CommandError(`${COMMAND}: source path ${JSON.stringify(src)} does not exist, so there is nothing to move`);
  }
  const existing = await statOrUndefined(dest);
  if (existing !== undefined) {
    const aside = await freeName(`${dest}-${timestampSuffix(existing.mtime)}`);
    await move(context, dest, aside);
  }
  await move(context, src, dest);
}

/** A local time as Flamenco suffixes moved-aside folders: `2026-01-02_150405`, rounded to the second. */
export function timestampSuffix(time: Date): string {
  const rounded = new Date(Math.round(time.getTime() / 1000) * 1000);
  const two = (value: number): string => String(value).padStart(2, '0');
  const date = `${rounded.getFullYear()}-${two(rounded.getMonth() + 1)}-${two(rounded.getDate())}`;
  return `${date}_${two(rounded.getHours())}${two(rounded.getMinutes())}${two(rounded.getSeconds())}`;
}

/** The name itself when nothing has it, else the name with the next free `-NNN` suffix. */
async function freeName(path: string): Promise<string> {
  if ((await statOrUndefined(path)) === undefined) return path;
  const prefix = `${basename(path)}-`;
  const siblings = await readdir(dirname(path)).catch((error: unknown) => {
    throw new CommandError(`${COMMAND}: could not look for a free name beside ${JSON.stringify(path)}: ${fileErrorReason(error)}`);
  });
  const numbers = siblings
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)));
  const next = Math.max(0, ...numbers) + 1;
  return `${path}-${String(next).padStart(3, '0')}`;
}

async function move(context: CommandContext, from: string, to: string): Promise<void> {
  context.log(`${COMMAND}: moving ${JSON.stringify(from)} to ${JSON.stringify(to)}`);
  try {
    await rename(from, to);
  } catch (error) {
    throw new CommandError(`${COMMAND}: could not move ${JSON.stringify(from)} to ${JSON.stringify(to)}: ${fileErrorReason(error)}`);
  }
}

// A symbolic link counts as existing even when it points nowhere: renaming over it would lose it.
async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CommandError(`${COMMAND}: could not look at ${JSON.stringify(path)}: ${fileErrorReason(error)}`);
  }
}

function withoutTrailingSeparator(path: string): string {
  return basename(path) === '' ? path : join(dirname(path), basename(path));
}
