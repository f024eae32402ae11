// Publishers may send only what changed (a job's id and new status, say); clients of the event
// stream get the whole payload the API documents. This fills in the missing fields from the
// database, never overwriting what the publisher sent (that is the state at the event's time).

import type { Database } from '../storage/database.ts';
import type { FarmEvent } from './event-bus.ts';

type Payload = Record<string, unknown>;

/** The fields `EventJobUpdate`, `EventTaskUpdate` and `EventWorkerUpdate` require (or commonly carry). */
const JOB_FIELDS = ['name', 'updated', 'status', 'type', 'priority', 'refresh_tasks', 'steps_completed', 'steps_total'];
const TASK_FIELDS = ['job_id', 'name', 'updated', 'status', 'activity', 'steps_completed', 'steps_total'];
const WORKER_FIELDS = ['name', 'updated', 'status', 'version', 'can_restart'];

export async function completeEvent(db: Database, event: FarmEvent): Promise<FarmEvent> {
  const data = withoutNulls(event.data);
  const id = typeof data.id === 'string' ? data.id : undefined;
  if (id === undefined || data.was_deleted === true) return { type: event.type, data };
  switch (event.type) {
    case 'job':
      return { type: event.type, data: missing(data, JOB_FIELDS) ? { ...(await jobPayload(db, id)), ...data } : data };
    case 'task':
      return { type: event.type, data: missing(data, [...TASK_FIELDS, 'worker']) ? { ...(await taskPayload(db, id)), ...data } : data };
    case 'worker':
      return { type: event.type, data: missing(data, WORKER_FIELDS) ? { ...(await workerPayload(db, id)), ...data } : data };
    default:
      return { type: event.type, data };
  }
}

function missing(data: Payload, fields: readonly string[]): boolean {
  return fields.some((field) => data[field] === undefined);
}

function withoutNulls(data: Payload): Payload {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null && value !== undefined));
}

async function jobPayload(db: Database, id: string): Promise<Payload> {
  const row = await db('jobs').where('id', id).first('name', 'job_type', 'priority', 'status', 'updated_at', 'delete_requested_at');
  if (!row) return {};
  const [steps] = await db('tasks').where('job_id', id).sum({ completed: 'steps_completed', total: 'steps_total' });
  return withoutNulls({
    name: row.name,
    updated: row.updated_at,
    status: row.status,
    type: row.job_type,
    priority: Number(row.priority),
    refresh_tasks: false,
    steps_completed: Number(steps?.completed ?? 0),
    steps_total: Number(steps?.total ?? 0),
    delete_requested_at: row.delete_requested_at,
  });
}

async function taskPayload(db: Database, id: string): Promise<Payload> {
  const row = await db('tasks')
    .leftJoin('workers', 'workers.id', 'tasks.worker_id')
    .where('tasks.id', id)
    .first(
      'tasks.job_id',
      'tasks.name',
      'tasks.updated_at',
      'tasks.status',
      'tasks.activity',
      'tasks.steps_completed',
      'tasks.steps_total',
      'tasks.worker_id',
      { worker_name: 'workers.name' },
    );
  if (!row) return {};
  return withoutNulls({
    job_id: row.job_id,
    name: row.name,
    updated: row.updated_at,
    status: row.status,
    activity: row.activity,
    steps_completed: Number(row.steps_completed),
    steps_total: Number(row.steps_total),
    worker: row.worker_id && row.worker_name !== null ? { name: row.worker_name, uuid: row.worker_id } : null,
  });
}

async function workerPayload(db: Database, id: string): Promise<Payload> {
  const row = await db('workers')
    .where('id', id)
    .first('name', 'updated_at', 'last_seen_at', 'status', 'status_requested', 'lazy_status_request', 'software', 'deleted_at', 'can_restart');
  if (!row) return {};
  return withoutNulls({
    name: row.name,
    updated: row.updated_at,
    last_seen: row.last_seen_at,
    status: row.status,
    status_change: row.status_requested ? { status: row.status_requested, is_lazy: Boolean(row.lazy_status_request) } : null,
    version: row.software,
    deleted_at: row.deleted_at,
    can_restart: Boolean(row.can_restart),
  });
}
