// Writing custom job types: create, save a new version, roll back, delete. A script is stored
// only when its JOB_TYPE loads in the sandbox; built-in and folder job types are read-only.
// Each change is announced as a `job-type` event once it is stored.

import { CompileError, type JobCompiler, type JobTypeInfo } from '@tablao/compiler';
import { timestamp, type Clock } from '../clock.ts';
import type { EventBus } from '../events/event-bus.ts';
import { conflict, HttpError, notFound } from '../http/http-error.ts';
import type { Database } from '../storage/database.ts';
import {
  customJobTypeVersion,
  deleteCustomJobType,
  insertCustomJobType,
  saveCustomJobTypeVersion,
  type CustomJobTypeVersion,
  type SaveVersionResult,
} from '../storage/job-types.ts';
import { compileErrorReply } from './compile-error-reply.ts';
import { isCustomJobTypeName, type JobTypeEntry, type JobTypeRegistry } from './registry.ts';
import { requireStorableText } from './storable-text.ts';

export interface CustomJobTypeServices {
  db: Database;
  compiler: JobCompiler;
  registry: JobTypeRegistry;
  clock: Clock;
  events: EventBus;
}

/** The most job types a manager lists (`AvailableJobTypes` and the catalog say so). */
export const MAX_JOB_TYPES = 1000;
/** The width of the label column of the version history. */
const MAX_STORED_LABEL = 512;

export async function createCustomJobType(
  services: CustomJobTypeServices,
  request: { name: string; source: string; message?: string },
): Promise<CustomJobTypeVersion> {
  const { name } = request;
  requireStorableText({ source: request.source, message: request.message });
  const existing = await services.registry.entry(name);
  if (existing) throw nameTaken(name, existing);
  if ((await services.registry.names()).length >= MAX_JOB_TYPES) {
    throw conflict(`this manager has ${MAX_JOB_TYPES} job types, as many as it lists; delete custom job types that are no longer used first`);
  }
  const info = await readScript(services, name, request.source);
  const created = await insertCustomJobType(services.db, newVersion(services, name, request.source, info, request.message ?? null, null));
  if (created === 'exists') throw conflict(`a custom job type "${name}" was created a moment ago by someone else; choose another name`);
  publish(services, 'created', created);
  return created;
}

export async function saveCustomJobTypeSource(
  services: CustomJobTypeServices,
  name: string,
  request: { source: string; expected_version?: number; message?: string },
): Promise<CustomJobTypeVersion> {
  requireStorableText({ source: request.source, message: request.message });
  await requireCustom(services, name);
  const info = await readScript(services, name, request.source);
  const result = await saveCustomJobTypeVersion(services.db, {
    ...newVersion(services, name, request.source, info, request.message ?? null, null),
    ...(request.expected_version !== undefined ? { expectedVersion: request.expected_version } : {}),
  });
  return saved(services, name, result, request.expected_version);
}

/** Saves the script of an earlier version as the next version: history is never rewritten. */
export async function rollBackCustomJobType(
  services: CustomJobTypeServices,
  name: string,
  request: { version: number; expected_version?: number; message?: string },
): Promise<CustomJobTypeVersion> {
  requireStorableText({ message: request.message });
  const current = await requireCustom(services, name);
  const old = await customJobTypeVersion(services.db, name, request.version);
  if (!old) {
    throw notFound(`job type "${name}" has no version ${request.version}; its versions are 1 to ${current.version ?? 1}`);
  }
  // The old script may not load any more, e.g. when a helper it requires has changed.
  const info = await readScript(services, name, old.source);
  const result = await saveCustomJobTypeVersion(services.db, {
    ...newVersion(services, name, old.source, info, request.message ?? `rolled back to version ${request.version}`, request.version),
    ...(request.expected_version !== undefined ? { expectedVersion: request.expected_version } : {}),
  });
  return saved(services, name, result, request.expected_version);
}

/** Deletes a custom job type with its versions and tests. Jobs already submitted keep their tasks. */
export async function deleteCustomJobTypeNamed(services: CustomJobTypeServices, name: string): Promise<void> {
  // A custom type that a folder script of the same name hides can still be deleted.
  if (isCustomJobTypeName(name) && (await deleteCustomJobType(services.db, name))) {
    services.events.publish({ type: 'job-type', data: { name, change: 'deleted', origin: 'custom' } });
    return;
  }
  const entry = await services.registry.entry(name);
  if (entry) throw readOnly(name, entry);
  throw notFound(`there is no job type "${name}"`);
}

/** The job type's registry entry, when it is a custom one: 404 when unknown, 409 when read-only. */
export async function requireCustom(services: Pick<CustomJobTypeServices, 'registry'>, name: string): Promise<JobTypeEntry> {
  const entry = await services.registry.entry(name);
  if (!entry) throw notFound(`there is no job type "${name}"; create it with POST /api/v3/jobs/types`);
  if (entry.origin !== 'custom') throw readOnly(name, entry);
  return entry;
}

/** Why a built-in or folder job type cannot be changed, and what to do instead. */
export function readOnly(name: string, entry: JobTypeEntry): HttpError {
  const duplicate =
    `duplicate it into a custom job type (POST /api/v3/jobs/types with a new name and the source from ` +
    `GET /api/v3/jobs/type/${name}/source) and change that`;
  if (entry.origin === 'built-in') return conflict(`job type "${name}" is built into Tablao and is read-only: ${duplicate}`);
  return conflict(
    `job type "${name}" is the script ${entry.source.filename} in the manager's scripts folder and is read-only here: ` +
      `edit the file there, or ${duplicate}`,
  );
}

/** Reads the script's JOB_TYPE in the sandbox as the job type `name`; 422 when it does not load. */
async function readScript(services: CustomJobTypeServices, name: string, script: string): Promise<JobTypeInfo> {
  try {
    return await services.compiler.readJobType(await services.registry.unsavedSource(name, script));
  } catch (error) {
    if (error instanceof CompileError) throw compileErrorReply(error);
    throw error;
  }
}

function newVersion(
  services: CustomJobTypeServices,
  name: string,
  source: string,
  info: JobTypeInfo,
  comment: string | null,
  rolledBackFrom: number | null,
) {
  return {
    name,
    source,
    etag: info.etag,
    label: storableLabel(info.label),
    comment,
    rolledBackFrom,
    now: timestamp(services.clock),
  };
}

/** The label as the history keeps it: it comes from the script, so it may hold anything. */
function storableLabel(label: string): string {
  return label.replaceAll('\0', '').toWellFormed().slice(0, MAX_STORED_LABEL);
}

function saved(services: CustomJobTypeServices, name: string, result: SaveVersionResult, expected: number | undefined): CustomJobTypeVersion {
  switch (result.status) {
    case 'saved':
      publish(services, 'updated', result.version);
      return result.version;
    case 'missing':
      throw notFound(`job type "${name}" was deleted while this change was made`);
    case 'conflict':
      throw new HttpError(
        409,
        `job type "${name}" is at version ${result.currentVersion}, not ${expected ?? '?'}: someone saved in between; ` +
          `load version ${result.currentVersion}, merge your changes into it and save again with expected_version ${result.currentVersion}`,
        { current_version: result.currentVersion },
      );
  }
}

function nameTaken(name: string, existing: JobTypeEntry): HttpError {
  if (existing.origin === 'custom') return conflict(`a custom job type "${name}" exists already; choose another name, or save a new version of it`);
  const where = existing.origin === 'built-in' ? 'a job type built into Tablao' : "a script in the manager's scripts folder";
  return conflict(`"${name}" is the name of ${where}; choose another name for the custom job type`);
}

function publish(services: CustomJobTypeServices, change: 'created' | 'updated', version: CustomJobTypeVersion): void {
  services.events.publish({
    type: 'job-type',
    data: { name: version.name, change, origin: 'custom', version: version.version, etag: version.etag, label: version.label },
  });
}
