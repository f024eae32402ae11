// Reads a request body with a size limit (413 past it): JSON (415 for another content type, 400
// for text that is not JSON), or raw bytes for operations whose body is not JSON (images, files).

import type { Context } from 'koa';
import { HttpError } from './http-error.ts';

export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const type = ctx.get('content-type');
  const bytes = await readBytes(ctx, limitBytes);
  if (bytes.length === 0) return undefined;
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new HttpError(415, `the request body must be JSON (Content-Type: application/json), not ${type}`);
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads the body as bytes, for operations whose body is one of `mediaTypes` (not JSON); 415 for
 * another content type unless `application/octet-stream` (any bytes) is among them. Undefined
 * when the body is empty.
 */
export async function readRawBody(ctx: Context, limitBytes: number, mediaTypes: readonly string[]): Promise<Buffer | undefined> {
  const type = (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase();
  const anyBytes = mediaTypes.includes('application/octet-stream');
  if (!anyBytes && !mediaTypes.includes(type)) {
    throw new HttpError(415, `the request body must be ${mediaTypes.join(' or ')} (say so in Content-Type), not ${type || 'untyped'}`);
  }
  const bytes = await readBytes(ctx, limitBytes);
  return bytes.length === 0 ? undefined : bytes;
}

async function readBytes(ctx: Context, limitBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `the request body is larger than this operation accepts (${formatBytes(limitBytes)})`);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
