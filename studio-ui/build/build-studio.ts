// Builds the studio into studio-ui/dist when its sources are newer than the last build
// (`npm ci` runs this through the root `prepare` script; the end-to-end tests call it too).
// `--force` builds whatever the dates say.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STUDIO_DIR = fileURLToPath(new URL('..', import.meta.url));
export const STUDIO_DIST_DIR = join(STUDIO_DIR, 'dist');
const BUILT_MARKER = join(STUDIO_DIST_DIR, 'index.html');

/** Everything the bundle is made from: the studio's own files, the API client and the authoring API's declarations. */
const SOURCES = [
  join(STUDIO_DIR, 'src'),
  join(STUDIO_DIR, 'index.html'),
  join(STUDIO_DIR, 'vite.config.ts'),
  join(STUDIO_DIR, '..', 'api-client', 'src'),
  join(STUDIO_DIR, '..', 'compiler', 'authoring-api.d.ts'),
];

async function newestChange(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  let newest = info.mtimeMs;
  for (const entry of entries) newest = Math.max(newest, await newestChange(join(path, entry)));
  return newest;
}

export async function studioBuildIsStale(): Promise<boolean> {
  const built = await stat(BUILT_MARKER).catch(() => undefined);
  if (!built) return true;
  for (const source of SOURCES) if ((await newestChange(source)) > built.mtimeMs) return true;
  return false;
}

/** Builds the studio if it has never been built or a source changed since; true when it built. */
export async function buildStudio({ force = false } = {}): Promise<boolean> {
  if (!force && !(await studioBuildIsStale())) return false;
  const { build } = await import('vite');
  await build({ configFile: join(STUDIO_DIR, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (import.meta.main) {
  const started = performance.now();
  try {
    const built = await buildStudio({ force: process.argv.includes('--force') });
    process.stdout.write(built ? `studio built into ${STUDIO_DIST_DIR} in ${((performance.now() - started) / 1000).toFixed(1)} s\n` : 'studio is up to date\n');
  } catch (error) {
    process.stderr.write(`building the studio failed: ${(error as Error).message}\nFix the error above, then run \`npm run build:studio\` again.\n`);
    process.exitCode = 1;
  }
}
