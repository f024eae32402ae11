import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

import {
  executableFileNames,
  hasDirectoryPart,
  needsExecutePermission,
  pathFor,
  searchDirectories,
  type Platform,
} from './platform-rules.ts';

// Where an executable named by a task or the configuration is: a path is taken as given
// (relative to the worker's folder), a bare name is looked up on PATH with the platform's
// executable file names.

export interface ExecutableLookup {
  readonly platform: Platform;
  readonly environment: NodeJS.ProcessEnv;
  /** The folder relative paths start from. */
  readonly cwd: string;
  /** Tests replace the file system check; the default asks the real one. */
  readonly isExecutableFile?: (path: string) => Promise<boolean>;
}

/** The executable's absolute path, or undefined when there is no such executable. */
export async function findExecutable(executable: string, lookup: ExecutableLookup): Promise<string | undefined> {
  const { platform, environment } = lookup;
  const paths = pathFor(platform);
  const isExecutableFile = lookup.isExecutableFile ?? ((path: string) => isRunnableFile(path, platform));
  const candidates = hasDirectoryPart(executable, platform)
    ? executableFileNames(paths.resolve(lookup.cwd, executable), environment, platform)
    : searchDirectories(environment, platform).flatMap((directory) =>
        executableFileNames(executable, environment, platform).map((name) => paths.resolve(lookup.cwd, directory, name)),
      );
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isRunnableFile(path: string, platform: Platform): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    if (needsExecutePermission(platform)) await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
