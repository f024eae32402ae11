// Worker tags: named groups of workers that a job can be restricted to.

import type { Database } from './database.ts';

export interface WorkerTagRecord {
  id: string;
  name: string;
  /** Empty when there is none. */
  description: string;
}

/** The most tags a farm may have: the tag list is not paged (openapi/README.md). */
export const MAX_WORKER_TAGS = 1000;

export async function workerTagExists(db: Database, id: string): Promise<boolean> {
  return (await db('worker_tags').where('id', id).first('id')) !== undefined;
}

/** Every tag, by name. */
export async function listWorkerTags(db: Database): Promise<WorkerTagRecord[]> {
  return db('worker_tags').orderBy([{ column: 'name' }, { column: 'id' }]).limit(MAX_WORKER_TAGS).select('id', 'name', 'description');
}

export async function fetchWorkerTag(db: Database, id: string): Promise<WorkerTagRecord | undefined> {
  return db('worker_tags').where('id', id).first<WorkerTagRecord | undefined>('id', 'name', 'description');
}

export async function countWorkerTags(db: Database): Promise<number> {
  const [row] = await db('worker_tags').count({ n: '*' });
  return Number(row?.n ?? 0);
}

/** The tag with this name, other than `exceptId`, if any. */
export async function fetchWorkerTagByName(db: Database, name: string, exceptId?: string): Promise<WorkerTagRecord | undefined> {
  const query = db('worker_tags').where('name', name);
  if (exceptId !== undefined) query.whereNot('id', exceptId);
  return query.first<WorkerTagRecord | undefined>('id', 'name', 'description');
}

/** Whether a failed statement broke a unique constraint (two requests creating the same tag at once). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export async function insertWorkerTag(trx: Database, tag: WorkerTagRecord): Promise<void> {
  await trx('worker_tags').insert(tag);
}

export async function updateWorkerTag(trx: Database, tag: WorkerTagRecord): Promise<void> {
  await trx('worker_tags').where('id', tag.id).update({ name: tag.name, description: tag.description });
}

/** Deletes the tag: its members leave it, and jobs limited to it become open to every worker (foreign keys). */
export async function deleteWorkerTag(trx: Database, id: string): Promise<boolean> {
  // Done here too rather than left to the foreign keys alone, so that it holds on any database.
  await trx('worker_tag_members').where('tag_id', id).delete();
  await trx('jobs').where('worker_tag_id', id).update({ worker_tag_id: null });
  return (await trx('worker_tags').where('id', id).delete()) > 0;
}

/** The ids among `ids` that name no tag. */
export async function unknownWorkerTagIds(db: Database, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const known = new Set((await db('worker_tags').whereIn('id', ids).select('id')).map((row: { id: string }) => row.id));
  return ids.filter((id) => !known.has(id));
}

/** The worker's tags, by name. */
export async function tagsOfWorker(db: Database, workerId: string): Promise<WorkerTagRecord[]> {
  return db('worker_tags')
    .join('worker_tag_members', 'worker_tag_members.tag_id', 'worker_tags.id')
    .where('worker_tag_members.worker_id', workerId)
    .orderBy([{ column: 'worker_tags.name' }, { column: 'worker_tags.id' }])
    .select('worker_tags.id', 'worker_tags.name', 'worker_tags.description');
}

/** The worker belongs to exactly these tags afterwards. */
export async function setTagsOfWorker(trx: Database, workerId: string, tagIds: readonly string[], now: string): Promise<void> {
  await trx('workers').where('id', workerId).update({ updated_at: now });
  await trx('worker_tag_members').where('worker_id', workerId).delete();
  if (tagIds.length > 0) await trx('worker_tag_members').insert(tagIds.map((tagId) => ({ worker_id: workerId, tag_id: tagId })));
}
