// The manager's HTTP application: error handling, then the API routed from the OpenAPI
// document, then the document itself.

import Koa from 'koa';
import { stringify } from 'yaml';
import { allHandlers } from './handlers/index.ts';
import type { ManagerServices } from './handlers/context.ts';
import { addonDownload } from './http/addon-download.ts';
import { apiDocument } from './http/api-document.ts';
import { errorMiddleware } from './http/error-middleware.ts';
import { buildApiRouter } from './http/router.ts';
import { studioFiles } from './http/studio-files.ts';
import { swaggerUi } from './http/swagger-ui.ts';
import { lastRenderedFiles } from './last-rendered/image-files.ts';
import { LastRenderedStore } from './last-rendered/last-rendered-store.ts';
import { metricsRoute } from './metrics/metrics-route.ts';
import { taskLogDownload } from './task-logs/log-download.ts';

export function createApp(services: ManagerServices): Koa {
  const app = new Koa();
  // Failures Koa sees outside the error middleware: mostly clients that went away mid-answer.
  app.on('error', (error: NodeJS.ErrnoException) => {
    const gone = ['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(error.code ?? '');
    services.log[gone ? 'debug' : 'error']({ err: error }, gone ? 'client went away' : 'HTTP failure');
  });
  const document = apiDocument();
  app.use(errorMiddleware(services.log));
  app.use(swaggerUi);
  app.use(metricsRoute(services.metrics));
  // Files of jobs, at Flamenco's /job-files/ URLs: whole task logs and last-rendered images.
  app.use(taskLogDownload(services.taskLogs));
  app.use(lastRenderedFiles(new LastRenderedStore(services.config.dataDir)));
  app.use(async (ctx, next) => {
    if (ctx.path === '/api/v3/openapi.json') ctx.body = document;
    else if (ctx.path === '/api/v3/openapi.yaml') {
      ctx.type = 'application/yaml';
      ctx.body = stringify(document);
    } else await next();
  });
  const router = buildApiRouter({ document, handlers: allHandlers(services) });
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(addonDownload(services.version));
  app.use(studioFiles());
  return app;
}
