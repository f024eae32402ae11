// Builds the Koa router from the OpenAPI document: every operation is routed, validated, and
// handed to the handler registered under its operationId. Operations without a handler yet
// answer 501 with a message, so clients learn what is missing instead of getting a 404.

import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDocument, OperationObject } from './api-document.ts';
import { HttpError } from './http-error.ts';
import { readJsonBody, readRawBody } from './json-body.ts';
import type { OperationHandlers } from './operation-types.ts';
import { RequestValidator, type ValidatedRequest } from './request-validation.ts';

/**
 * What a handler may return to control the response beyond a JSON body with status 200. The
 * handler types (operation-types.ts) allow only the statuses the operation declares, each
 * with its body.
 */
export class Reply<Status extends number = number, Body = undefined> {
  readonly status: Status;
  readonly body: Body | undefined;
  readonly headers: Record<string, string>;

  constructor(status: Status, body?: Body, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  /** A status without a body (`new Reply(202)` would take the type of its missing body from the handler's other answers). */
  static withoutBody<Status extends number>(status: Status, headers: Record<string, string> = {}): Reply<Status> {
    return new Reply<Status>(status, undefined, headers);
  }
}

type UntypedHandler = (request: ValidatedRequest, ctx: Context) => unknown;

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface ApiRouterOptions {
  document: ApiDocument;
  handlers: OperationHandlers;
  /** Runs before the handler of operations that declare `worker_auth` security. */
  authenticateWorker?: (ctx: Context) => Promise<void>;
}

export function buildApiRouter(options: ApiRouterOptions): Router {
  const router = new Router();
  const validator = new RequestValidator(options.document);
  for (const [path, item] of Object.entries(options.document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      // The request is validated against this very operation before the handler sees it, which
      // is what makes it the handler's typed request.
      const handler = (options.handlers as Partial<Record<string, UntypedHandler>>)[operation.operationId];
      const needsWorker = (operation.security ?? []).some((s) => 'worker_auth' in s);
      const bodyLimit = operation['x-tablao-body-limit'] ?? DEFAULT_BODY_LIMIT;
      // A body that is not JSON (an image, a file) reaches the handler as a Buffer, unvalidated;
      // a streamed one (`x-tablao-streamed-body`) as the request stream itself, unread.
      const content = operation.requestBody?.content;
      const streamed = operation['x-tablao-streamed-body'] === true;
      const rawTypes = content && !content['application/json'] && !streamed ? Object.keys(content) : undefined;
      const koaPath = path.replace(/\{([^}]+)\}/g, ':$1');
      router[method](koaPath, async (ctx) => {
        if (needsWorker && options.authenticateWorker) await options.authenticateWorker(ctx);
        const raw = rawTypes ? await readRawBody(ctx, bodyLimit, rawTypes) : undefined;
        if (rawTypes && !raw && operation.requestBody?.required) {
          throw new HttpError(400, `this operation needs a request body (${rawTypes.join(' or ')})`);
        }
        const body = operation.requestBody && !rawTypes && !streamed ? await readJsonBody(ctx, bodyLimit) : undefined;
        const request = validator.validate(path, method, {
          params: ctx.params as Record<string, string>,
          query: ctx.query as Record<string, string | string[] | undefined>,
          body,
        });
        if (raw) request.body = raw;
        if (streamed) request.body = ctx.req;
        if (!handler) {
          throw new HttpError(501, `${operation.operationId} (${method.toUpperCase()} ${path}) is not implemented by this manager yet`);
        }
        const result = await handler(request, ctx);
        if (result instanceof Reply) {
          ctx.status = result.status;
          for (const [name, value] of Object.entries(result.headers)) ctx.set(name, value);
          if (result.body !== undefined) ctx.body = result.body;
        } else if (result === undefined) {
          ctx.status = 204;
        } else {
          ctx.body = result;
        }
      });
    }
  }
  return router;
}
