// Tablao's built-in job types: the scripts in this folder, loaded the way Flamenco loads its
// scripts folder (every `*.js` file in the folder root of at least 8 bytes is a job type, named
// after its file: `simple_blender_render.js` → `simple-blender-render`).

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobTypeSource } from '../compiler/src/types.ts';

/** Absolute path of the folder holding the built-in job-type scripts. */
export const builtInJobTypesDir: string = dirname(fileURLToPath(import.meta.url));

/** Files smaller than this are not job types (Flamenco skips them too, e.g. an empty `empty.js`). */
const MIN_SCRIPT_BYTES = 8;

/** The job-type name of a script file: its stem, with `_` replaced by `-`. */
export function jobTypeNameOf(file: string): string {
  return basename(file, extname(file)).replaceAll('_', '-');
}

/**
 * Reads one job-type script. Its helpers (what `require('./name')` may load) are the other
 * `.js` files of the same folder, by file name.
 */
export async function loadJobTypeFile(file: string): Promise<JobTypeSource> {
  const dir = dirname(file);
  const filename = basename(file);
  const source = await readFile(file, 'utf8');
  const helpers: Record<string, string> = {};
  for (const other of await scriptFilesIn(dir)) {
    if (other !== filename) helpers[other] = await readFile(join(dir, other), 'utf8');
  }
  return { name: jobTypeNameOf(filename), filename, source, helpers };
}

/** Reads every built-in job type, sorted by file name. */
export function loadBuiltInJobTypes(): Promise<JobTypeSource[]> {
  return loadJobTypesIn(builtInJobTypesDir);
}

/**
 * Reads the job types of a scripts folder, sorted by file name: every regular `*.js` file in
 * the folder root of at least 8 bytes.
 */
export async function loadJobTypesIn(dir: string): Promise<JobTypeSource[]> {
  const sources: JobTypeSource[] = [];
  for (const file of await scriptFilesIn(dir)) {
    const full = join(dir, file);
    if ((await stat(full)).size >= MIN_SCRIPT_BYTES) sources.push(await loadJobTypeFile(full));
  }
  return sources;
}

/** Names of the regular `.js` files in the root of `dir`, sorted. */
async function scriptFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => entry.name)
    .sort();
}
