// The Blender add-on (addon/tablao) as an installable zip at /tablao-addon.zip — Flamenco's
// habit (/flamenco-addon.zip), so the studio can link it and artists install the add-on that
// matches their manager. Made from the add-on's files on the first request, then kept.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';
import { zipArchive, type ZipEntry } from './zip-writer.ts';

export const ADDON_ZIP_PATH = '/tablao-addon.zip';
export const ADDON_SOURCE_DIR = fileURLToPath(new URL('../../../addon/tablao', import.meta.url));

/** The add-on's files under `tablao/` in the archive, as Blender's "Install…" expects. */
export async function addonArchive(sourceDir: string = ADDON_SOURCE_DIR): Promise<Buffer> {
  const entries: ZipEntry[] = [];
  for (const file of await filesUnder(sourceDir)) {
    const info = await stat(file);
    entries.push({ name: ['tablao', ...relative(sourceDir, file).split(sep)].join('/'), data: await readFile(file), modified: info.mtime });
  }
  if (!entries.some((entry) => entry.name === 'tablao/__init__.py')) throw new Error(`${sourceDir} holds no add-on (__init__.py is missing)`);
  return zipArchive(entries);
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const item of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (item.name === '__pycache__' || item.name.startsWith('.') || item.name.endsWith('.pyc')) continue;
    const path = join(dir, item.name);
    if (item.isDirectory()) found.push(...(await filesUnder(path)));
    else if (item.isFile()) found.push(path);
  }
  return found;
}

export function addonDownload(version: string, sourceDir: string = ADDON_SOURCE_DIR): (ctx: Context, next: Next) => Promise<void> {
  let archive: Promise<Buffer> | undefined;
  return async function serveAddon(ctx, next) {
    if (ctx.path !== ADDON_ZIP_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    archive ??= addonArchive(sourceDir);
    let body: Buffer;
    try {
      body = await archive;
    } catch (error) {
      archive = undefined;
      ctx.status = 503;
      ctx.body = { code: 503, message: `the Blender add-on cannot be offered: ${(error as Error).message}` };
      return;
    }
    ctx.type = 'application/zip';
    ctx.set('Content-Disposition', `attachment; filename="tablao-addon-${version}.zip"`);
    ctx.set('Cache-Control', 'no-cache');
    ctx.length = body.length;
    ctx.body = body; // Koa sends no body for HEAD
  };
}
