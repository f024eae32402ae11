// Workers authenticate with HTTP basic auth: user name = worker id, password = the secret it
// registered with. Only a salted SHA-256 of the secret is stored. Workers make up their secrets
// from 32 random bytes, so a slow password hash would protect nothing and cost every call of
// every worker; the salt keeps equal secrets from having equal hashes.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Database } from '../storage/database.ts';
import { fetchWorkerCredentials, type KnownWorker } from '../storage/workers.ts';
import { HttpError } from './http-error.ts';

const SCHEME = 'sha256';

export function hashWorkerSecret(secret: string): string {
  const salt = randomBytes(16).toString('base64url');
  return `${SCHEME}$${salt}$${digest(salt, secret)}`;
}

export function verifyWorkerSecret(secret: string, stored: string): boolean {
  const [scheme, salt, expected] = stored.split('$');
  // Compare something of the right length even for a malformed hash, so the time taken does not tell.
  const actual = Buffer.from(digest(salt ?? '', secret), 'hex');
  const wanted = scheme === SCHEME && expected !== undefined && /^[0-9a-f]{64}$/.test(expected) ? Buffer.from(expected, 'hex') : Buffer.alloc(32);
  return timingSafeEqual(actual, wanted) && scheme === SCHEME;
}

function digest(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update('\0').update(secret, 'utf8').digest('hex');
}

/** The hash an unknown worker's secret is checked against, so that unknown and wrong take as long. */
const NOBODY = hashWorkerSecret(randomBytes(32).toString('hex'));

export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function securityError(message: string): HttpError {
  return new HttpError(403, message);
}

/** Checks the request's credentials; the worker is kept in `ctx.state.worker` for the handler. */
export async function authenticateWorker(db: Database, ctx: Context): Promise<KnownWorker> {
  const credentials = parseBasicAuth(ctx.get('authorization'));
  if (!credentials) {
    throw securityError('this operation is for workers: send HTTP basic auth with your worker id as user name and your registration secret as password');
  }
  const found = await fetchWorkerCredentials(db, credentials.user);
  const valid = verifyWorkerSecret(credentials.password, found?.secretHash ?? NOBODY);
  if (!found || !valid) {
    throw securityError(
      `the manager knows no worker ${JSON.stringify(credentials.user.slice(0, 64))} with this secret; ` +
        'register again (POST /api/v3/worker/register-worker) if it was deleted or the manager was reset',
    );
  }
  ctx.state.worker = found.worker;
  return found.worker;
}

/** The worker of this request: authenticated by the router already, or now. */
export async function requestWorker(db: Database, ctx: Context): Promise<KnownWorker> {
  const known = ctx.state.worker as KnownWorker | undefined;
  return known ?? authenticateWorker(db, ctx);
}
