// Swagger UI at /api/v3/swagger-ui/, from the swagger-ui-dist package, showing our document.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import type { Context, Next } from 'koa';

const PREFIX = '/api/v3/swagger-ui/';
const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'index.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
  'swagger-ui-standalone-preset.js': 'text/javascript',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const INDEX = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tablao Manager API</title>
<link rel="stylesheet" href="swagger-ui.css">
<link rel="icon" type="image/png" href="favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="swagger-ui-standalone-preset.js"></script>
<script src="initializer.js"></script>
</body>
</html>
`;

const INITIALIZER = `window.onload = () => {
  window.ui = SwaggerUIBundle({ url: '/api/v3/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
};
`;

export async function swaggerUi(ctx: Context, next: Next): Promise<void> {
  if (ctx.path === '/api/v3/swagger-ui') return ctx.redirect(PREFIX);
  if (!ctx.path.startsWith(PREFIX) || ctx.method !== 'GET') return next();
  const file = ctx.path.slice(PREFIX.length);
  if (file === '' || file === 'index.html') {
    ctx.type = 'text/html';
    ctx.body = INDEX;
  } else if (file === 'initializer.js') {
    ctx.type = 'text/javascript';
    ctx.body = INITIALIZER;
  } else if (FILES[file]) {
    ctx.type = FILES[file];
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(normalize(join(distDir, file)));
  } else {
    return next();
  }
}
