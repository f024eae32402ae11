// Turns every failure into a JSON error body with a status that says whose fault it is.
// A request can never see a stack trace; an unexpected failure is logged and answered 500
// with a message that points to the manager's log.

import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { HttpError } from './http-error.ts';

export function errorMiddleware(log: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, `there is no ${ctx.method} ${ctx.path}; the API is described at /api/v3/swagger-ui/`);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        respond(ctx, error.status, error.message, error.details, error.headers);
        return;
      }
      const busy = isDatabaseBusy(error);
      if (busy) {
        respond(ctx, 503, 'the database is busy; try again in a moment', {}, { 'Retry-After': '1' });
        return;
      }
      log.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed unexpectedly');
      respond(ctx, 500, 'the manager failed unexpectedly while handling this request; its log has the details', {});
    }
  };
}

function respond(ctx: Context, status: number, message: string, details: Record<string, unknown>, headers: Record<string, string> = {}): void {
  ctx.status = status;
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  ctx.body = { code: status, message, ...details };
}

function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
