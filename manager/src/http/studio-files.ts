// The studio (studio-ui/, built by Vite into studio-ui/dist) served at `/`: its files as they
// are, and index.html for every other page path so the app's own routes work on reload. Paths
// of the API and the other routes are never answered here, even when the studio is missing.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';

export const STUDIO_DIST_DIR = fileURLToPath(new URL('../../../studio-ui/dist', import.meta.url));

const NOT_THE_STUDIO = ['/api/', '/job-files/', '/metrics'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tablao: the studio is not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>The studio is not built yet</h1>
<p>This manager runs, but the web app it serves here has not been built on this machine.
Build it in the Tablao folder with <code>npm run build:studio</code> (<code>npm ci</code> builds it too),
then reload this page.</p>
<p>The API works meanwhile: see its <a href="/api/v3/swagger-ui/">documentation</a>.</p>
</body></html>
`;

export function studioFiles(distDir: string = STUDIO_DIST_DIR): (ctx: Context, next: Next) => Promise<void> {
  const root = resolve(distDir);
  return async function serveStudio(ctx, next) {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || NOT_THE_STUDIO.some((prefix) => ctx.path.startsWith(prefix))) return next();
    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    const file = resolve(join(root, relative));
    if (file !== root && !file.startsWith(root + sep)) return next();
    if (await isFile(file)) {
      await sendFile(ctx, file, relative.startsWith('/assets/'));
      return;
    }
    // Paths with a file extension are files that are not there; other paths are pages of the app.
    if (extname(relative) !== '') return next();
    const index = join(root, 'index.html');
    if (await isFile(index)) {
      await sendFile(ctx, index, false);
      return;
    }
    ctx.status = 503;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = NOT_BUILT;
  };
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ?? false;
}

async function sendFile(ctx: Context, file: string, hashedName: boolean): Promise<void> {
  const info = await stat(file);
  ctx.type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  ctx.length = info.size;
  // Vite puts a content hash into every name under assets/, so those never change.
  ctx.set('Cache-Control', hashedName ? 'public, max-age=31536000, immutable' : 'no-cache');
  ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
}
