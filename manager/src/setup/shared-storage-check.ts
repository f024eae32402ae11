// Is a folder usable as the farm's shared storage? It must be an absolute path to an existing
// folder (not a UNC path, not the manager's own folders) in which the manager can create files:
// the check writes a small file there and removes it again.

import { randomBytes } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve, win32 } from 'node:path';

export interface PathCheckResult {
  path: string;
  is_usable: boolean;
  cause: string;
}

export interface ForbiddenFolder {
  path: string;
  /** Completes "Do not choose …": why this folder is not shared storage. */
  reason: string;
}

export interface SharedStorageCheckOptions {
  /** Folders that must not be shared storage: the manager's data folder, its installation. */
  forbidden: readonly ForbiddenFolder[];
  /** Node's platform name; decides which paths are absolute and whether case matters. */
  platform?: NodeJS.Platform;
}

export async function checkSharedStoragePath(path: string, options: SharedStorageCheckOptions): Promise<PathCheckResult> {
  const platform = options.platform ?? process.platform;
  const unusable = (cause: string): PathCheckResult => ({ path, is_usable: false, cause });
  const trimmed = path.trim();
  if (trimmed === '') return unusable('An empty path cannot be shared storage. Give the folder that the manager and every worker can reach.');
  if (/^(\\\\|\/\/)[^\\/]/.test(trimmed)) {
    return unusable('UNC paths (\\\\server\\share) are not supported. Mount the share as a drive letter or a folder, and give that path.');
  }
  const absolute = platform === 'win32' ? win32.isAbsolute(trimmed) && /^[A-Za-z]:/.test(trimmed) : isAbsolute(trimmed);
  if (!absolute) {
    return unusable(
      platform === 'win32'
        ? 'Give an absolute path with a drive letter, such as R:\\render; workers cannot find a relative path.'
        : 'Give an absolute path, such as /mnt/render; workers cannot find a relative path.',
    );
  }

  try {
    const info = await stat(trimmed);
    if (!info.isDirectory()) return unusable('This is a file, not a folder. Choose an existing folder.');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return unusable('This folder does not exist. Create it first, or choose an existing folder.');
    return unusable(`The manager cannot look at this folder (${describe(error)}). Check its permissions, or choose another folder.`);
  }

  const same = (a: string, b: string) => (platform === 'win32' || platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b);
  for (const folder of options.forbidden) {
    if (same(resolve(trimmed), resolve(folder.path))) return unusable(`Do not choose ${folder.reason}. Choose a folder meant for the farm's files.`);
  }

  const probe = join(trimmed, `.tablao-storage-check-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(probe, 'Tablao checks that it can write here. Ünicode ✓\n', { flag: 'wx' });
  } catch (error) {
    await rm(probe, { force: true }).catch(() => undefined);
    return unusable(`The manager cannot create files in this folder (${describe(error)}). Give it write permission, or choose another folder.`);
  }
  try {
    await rm(probe);
  } catch (error) {
    return unusable(`The manager created ${probe} but cannot remove it (${describe(error)}). Give it full permission on the folder.`);
  }
  return { path, is_usable: true, cause: 'The folder exists and the manager can create files in it.' };
}

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ?? message;
}
