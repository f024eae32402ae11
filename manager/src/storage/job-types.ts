// Custom job types: each save is a new version; the job type points at its current one.
// Versions are never rewritten: a rollback saves the old script again as the next version.

import { isPostgres, type Database } from './database.ts';

export interface CustomJobTypeVersion {
  name: string;
  version: number;
  source: string;
  etag: string;
  label: string;
  comment: string | null;
  /** Set when this version was made by rolling back to that earlier version. */
  rolledBackFrom: number | null;
  createdAt: string;
}

/** A version as the history lists it: without its script, with the script's size in bytes. */
export type CustomJobTypeVersionSummary = Omit<CustomJobTypeVersion, 'source'> & { size: number };

/** What a new version is made of; the version number is chosen when it is stored. */
export interface NewCustomJobTypeVersion {
  name: string;
  source: string;
  etag: string;
  label: string;
  comment: string | null;
  rolledBackFrom: number | null;
  now: string;
}

export type SaveVersionResult =
  | { status: 'saved'; version: CustomJobTypeVersion }
  | { status: 'conflict'; currentVersion: number }
  | { status: 'missing' };

interface VersionRow {
  name: string;
  version: number | string;
  source: string;
  etag: string;
  label: string;
  comment: string | null;
  rolled_back_from: number | string | null;
  created_at: string;
}

function fromRow(row: VersionRow): CustomJobTypeVersion {
  return {
    name: row.name,
    version: Number(row.version),
    source: row.source,
    etag: row.etag,
    label: row.label,
    comment: row.comment,
    rolledBackFrom: row.rolled_back_from === null ? null : Number(row.rolled_back_from),
    createdAt: row.created_at,
  };
}

export async function currentCustomJobType(db: Database, name: string): Promise<CustomJobTypeVersion | undefined> {
  const row = await db('job_types as t')
    .join('job_type_versions as v', function () {
      this.on('v.name', '=', 't.name').andOn('v.version', '=', 't.current_version');
    })
    .where('t.name', name)
    .first<VersionRow | undefined>('v.*');
  return row ? fromRow(row) : undefined;
}

export async function listCustomJobTypes(db: Database): Promise<CustomJobTypeVersion[]> {
  const rows = await db('job_types as t')
    .join('job_type_versions as v', function () {
      this.on('v.name', '=', 't.name').andOn('v.version', '=', 't.current_version');
    })
    .orderBy('t.name')
    .select<VersionRow[]>('v.*');
  return rows.map(fromRow);
}

export async function customJobTypeExists(db: Database, name: string): Promise<boolean> {
  return (await db('job_types').where('name', name).first('name')) !== undefined;
}

export async function customJobTypeVersion(db: Database, name: string, version: number): Promise<CustomJobTypeVersion | undefined> {
  const row = await db('job_type_versions').where({ name, version }).first<VersionRow | undefined>();
  return row ? fromRow(row) : undefined;
}

/** One page of a custom job type's history, newest first. */
export async function listCustomJobTypeVersions(
  db: Database,
  name: string,
  page: { offset: number; limit: number },
): Promise<{ versions: CustomJobTypeVersionSummary[]; total: number }> {
  const sizeInBytes = isPostgres(db) ? 'octet_length(source)' : 'length(CAST(source AS BLOB))';
  const rows = await db('job_type_versions')
    .where('name', name)
    .orderBy('version', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .select<(Omit<VersionRow, 'source'> & { size: number | string })[]>(
      'name',
      'version',
      'etag',
      'label',
      'comment',
      'rolled_back_from',
      'created_at',
      db.raw(`${sizeInBytes} as size`),
    );
  const counted = await db('job_type_versions').where('name', name).count<{ count: number | string }[]>({ count: '*' });
  return {
    versions: rows.map((row) => {
      const { source: _source, ...version } = fromRow({ ...row, source: '' });
      return { ...version, size: Number(row.size) };
    }),
    total: Number(counted[0]?.count ?? 0),
  };
}

/** Stores a new custom job type with its first version; 'exists' when the name is taken. */
export async function insertCustomJobType(db: Database, first: NewCustomJobTypeVersion): Promise<CustomJobTypeVersion | 'exists'> {
  try {
    await db.transaction(async (trx) => {
      await trx('job_types').insert({ name: first.name, current_version: 1, created_at: first.now, updated_at: first.now });
      await trx('job_type_versions').insert(versionRow(first, 1));
    });
  } catch (error) {
    if (isUniqueViolation(error)) return 'exists';
    throw error;
  }
  return { ...first, version: 1, createdAt: first.now };
}

/**
 * Stores the next version and makes it current. With `expectedVersion`, only when that is
 * still the current version. Incrementing in the UPDATE takes the row's lock first, so two
 * saves at once get consecutive versions, or one of them a conflict.
 */
export async function saveCustomJobTypeVersion(
  db: Database,
  next: NewCustomJobTypeVersion & { expectedVersion?: number },
): Promise<SaveVersionResult> {
  return db.transaction(async (trx): Promise<SaveVersionResult> => {
    const update = trx('job_types').where('name', next.name);
    if (next.expectedVersion !== undefined) update.andWhere('current_version', next.expectedVersion);
    const updated = await update.update({ current_version: trx.raw('current_version + 1'), updated_at: next.now });
    const row = await trx('job_types').where('name', next.name).first<{ current_version: number | string } | undefined>('current_version');
    if (!row) return { status: 'missing' };
    const version = Number(row.current_version);
    if (updated === 0) return { status: 'conflict', currentVersion: version };
    await trx('job_type_versions').insert(versionRow(next, version));
    return { status: 'saved', version: { ...next, version, createdAt: next.now } };
  });
}

/** Deletes a custom job type with its versions and test cases; false when there is none. */
export async function deleteCustomJobType(db: Database, name: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    await trx('job_type_tests').where('job_type', name).delete();
    await trx('job_type_versions').where('name', name).delete();
    return (await trx('job_types').where('name', name).delete()) > 0;
  });
}

function versionRow(version: NewCustomJobTypeVersion, number: number): Record<string, unknown> {
  return {
    name: version.name,
    version: number,
    source: version.source,
    etag: version.etag,
    label: version.label,
    comment: version.comment,
    rolled_back_from: version.rolledBackFrom,
    created_at: version.now,
  };
}

/** A primary-key or unique-index violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
