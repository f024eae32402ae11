// Where might Blender be on the manager's machine? The configured `{blender}` command, `blender`
// on the PATH, and the places installers put it on each platform; every candidate found is
// checked by running it (blender-check.ts).

import { readdir, realpath } from 'node:fs/promises';
import { join, win32 } from 'node:path';
import { checkBlenderCommand, findOnPath, isExecutableFile, runBlenderVersion, unquote, type BlenderCheckOptions, type BlenderPathCheckResult } from './blender-check.ts';

export interface FindBlenderOptions extends BlenderCheckOptions {
  /** The `{blender}` variable's value for the manager's platform, if one is configured. */
  configured?: string;
  /** The usual install locations to look at; those of the platform by default. */
  systemLocations?: () => Promise<string[]>;
}

/** The answer's bound (openapi: BlenderPathFindResult). */
const MAX_CANDIDATES = 100;

/** Every candidate found, checked; usable ones first. Empty when Blender is nowhere to be found. */
export async function findBlender(options: FindBlenderOptions = {}): Promise<BlenderPathCheckResult[]> {
  const platform = options.platform ?? process.platform;
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const checks: Promise<BlenderPathCheckResult | undefined>[] = [];
  const seen = new Set<string>();
  /** Each program once, however it was reached (symlinks included). */
  const firstTime = async (path: string): Promise<boolean> => {
    const real = await realpath(path).catch(() => path);
    const key = platform === 'win32' ? real.toLowerCase() : real;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };

  const configured = unquote((options.configured ?? '').trim());
  if (configured !== '' && configured !== 'blender' && configured !== 'blender.exe') {
    const result = await checkBlenderCommand(configured, options);
    if (result.path === '' || (await firstTime(result.path))) checks.push(Promise.resolve(result));
  }

  for (const name of platform === 'win32' ? ['blender.exe'] : ['blender']) {
    const found = await findOnPath(name, searchPath, platform);
    if (found !== undefined && (await firstTime(found))) checks.push(checked(name, found, 'path_envvar', options.timeoutMs));
  }

  const locations = await (options.systemLocations ?? (() => usualLocations(platform)))();
  for (const location of locations) {
    if ((await isExecutableFile(location, platform)) && (await firstTime(location))) {
      checks.push(checked(location, location, 'system_location', options.timeoutMs));
    }
    if (checks.length >= MAX_CANDIDATES) break;
  }

  const results = (await Promise.all(checks)).filter((result) => result !== undefined);
  return [...results.filter((r) => r.is_usable), ...results.filter((r) => !r.is_usable)].slice(0, MAX_CANDIDATES);
}

async function checked(input: string, path: string, source: BlenderPathCheckResult['source'], timeoutMs?: number): Promise<BlenderPathCheckResult> {
  const run = await runBlenderVersion(path, timeoutMs);
  return { input, path, source, is_usable: run.ok, cause: run.cause };
}

/** Where Blender's installers and packages put it. */
export async function usualLocations(platform: NodeJS.Platform): Promise<string[]> {
  if (platform === 'win32') {
    const roots = [process.env.ProgramFiles, process.env['ProgramFiles(x86)']].filter((root): root is string => Boolean(root));
    const found: string[] = [];
    for (const root of roots) {
      const foundation = win32.join(root, 'Blender Foundation');
      for (const version of await subfolders(foundation)) found.push(win32.join(foundation, version, 'blender.exe'));
    }
    return found;
  }
  if (platform === 'darwin') {
    const apps = (await subfolders('/Applications')).filter((name) => /^blender.*\.app$/i.test(name)).sort();
    return [...new Set(['Blender.app', ...apps])].map((app) => join('/Applications', app, 'Contents', 'MacOS', 'Blender'));
  }
  const opt = (await subfolders('/opt')).filter((name) => /^blender/i.test(name)).sort();
  return [
    '/usr/bin/blender',
    '/usr/local/bin/blender',
    '/snap/bin/blender',
    '/var/lib/flatpak/exports/bin/org.blender.Blender',
    ...opt.map((name) => join('/opt', name, 'blender')),
  ];
}

async function subfolders(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}
