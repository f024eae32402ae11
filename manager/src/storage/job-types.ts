// Custom job types: each save is a new version; the job type points at its current one.

import type { Database } from './database.ts';

export interface CustomJobTypeVersion {
  name: string;
  version: number;
  source: string;
  etag: string;
  label: string;
  comment: string | null;
  createdAt: string;
}

interface VersionRow {
  name: string;
  version: number;
  source: string;
  etag: string;
  label: string;
  comment: string | null;
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
