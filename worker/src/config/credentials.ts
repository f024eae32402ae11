// The worker's identity with its manager: the id the manager gave it at registration and the
// secret it chose, kept in `tablao-worker-credentials.yaml` in the data folder (readable by
// the worker's user only). It is written once and replaced only when the worker registers again.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Credentials } from '../manager/manager-client.ts';

export const CREDENTIALS_FILE_NAME = 'tablao-worker-credentials.yaml';

export interface StoredCredentials extends Credentials {
  /** The manager that gave out the id, for people reading the file. */
  managerUrl: string;
}

export class CredentialsError extends Error {}

export function credentialsFile(dataDir: string): string {
  return join(dataDir, CREDENTIALS_FILE_NAME);
}

/** A new secret, as Flamenco's worker makes it: 32 random bytes in hex. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The stored credentials, or undefined when there are none yet. */
export async function loadCredentials(file: string): Promise<StoredCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredentialsError(`cannot read the worker's credentials ${file}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    value = undefined;
  }
  const fields = (value ?? {}) as Record<string, unknown>;
  if (typeof fields.worker_id !== 'string' || typeof fields.worker_secret !== 'string' || fields.worker_id === '' || fields.worker_secret === '') {
    throw new CredentialsError(`${file} does not hold a worker_id and worker_secret; delete it and the worker registers again as a new worker`);
  }
  return { workerId: fields.worker_id, secret: fields.worker_secret, managerUrl: typeof fields.manager_url === 'string' ? fields.manager_url : '' };
}

export async function saveCredentials(file: string, credentials: StoredCredentials): Promise<void> {
  const text = [
    '# This worker\'s identity with its manager, made at registration. Delete this file to',
    '# register again as a new worker.',
    stringify({ worker_id: credentials.workerId, worker_secret: credentials.secret, manager_url: credentials.managerUrl }).trimEnd(),
    '',
  ].join('\n');
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, text, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    throw new CredentialsError(`cannot write the worker's credentials ${file}: ${(error as Error).message}; check that the data folder is writable`, { cause: error });
  }
}
