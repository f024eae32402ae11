// Workers for tests: registered through the API (POST /api/v3/worker/register-worker) and
// then put in the state a test needs — status, pending request, restart ability — straight in
// the database, as sign-on and state changes would leave them (addWorker); or put straight
// into the database without a manager's API (insertWorkerRow, insertWorkerWithCredentials).
// Also: handing a task to a worker without going through the scheduler.

import { randomBytes, randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { hashWorkerSecret } from '../../src/http/worker-auth.ts';
import type { Database } from '../../src/storage/database.ts';
import type { TestManager } from './test-manager.ts';

export interface WorkerRow {
  name?: string;
  status?: string;
  platform?: string;
  address?: string;
  software?: string;
  supportedTaskTypes?: string[];
  canRestart?: boolean;
  statusRequested?: string | null;
  lazyStatusRequest?: boolean;
  lastSeenAt?: string | null;
}

/** Registers a worker and sets it up as described; returns its id. */
export async function addWorker(manager: TestManager, row: WorkerRow = {}): Promise<string> {
  const registered = await manager.request('POST', '/api/v3/worker/register-worker', {
    secret: randomBytes(16).toString('hex'),
    name: row.name ?? `worker-${randomBytes(4).toString('hex')}`,
    platform: row.platform ?? 'linux',
    supported_task_types: row.supportedTaskTypes ?? ['blender', 'ffmpeg', 'file-management', 'misc'],
  });
  assert.equal(registered.status, 200, `registering a test worker: ${registered.text}`);
  const id: string = registered.body.uuid;
  await manager.db('workers')
    .where('id', id)
    .update({
      address: row.address ?? '192.0.2.7',
      software: row.software ?? '3.9',
      status: row.status ?? 'awake',
      status_requested: row.statusRequested ?? null,
      lazy_status_request: row.lazyStatusRequest ?? false,
      can_restart: row.canRestart ?? false,
      last_seen_at: row.lastSeenAt === undefined ? new Date().toISOString() : row.lastSeenAt,
    });
  return id;
}

/** Inserts a worker row directly (no registration) and returns its id. */
export async function insertWorkerRow(db: Database, row: WorkerRow = {}): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await db('workers').insert({
    id,
    secret_hash: 'not a real hash',
    name: row.name ?? `worker-${id.slice(0, 8)}`,
    address: row.address ?? '192.0.2.7',
    platform: row.platform ?? 'linux',
    software: row.software ?? '3.9',
    status: row.status ?? 'awake',
    status_requested: row.statusRequested ?? null,
    lazy_status_request: row.lazyStatusRequest ?? false,
    supported_task_types: JSON.stringify(row.supportedTaskTypes ?? ['blender', 'ffmpeg', 'file-management', 'misc']),
    can_restart: row.canRestart ?? false,
    last_seen_at: row.lastSeenAt === undefined ? now : row.lastSeenAt,
    created_at: now,
    updated_at: now,
  });
  return id;
}

/** Inserts a worker row directly with a secret; `auth` is the Authorization header it authenticates with. */
export async function insertWorkerWithCredentials(db: Database, row: WorkerRow = {}): Promise<{ workerId: string; auth: string }> {
  const workerId = await insertWorkerRow(db, row);
  const secret = randomBytes(16).toString('hex');
  await db('workers').where('id', workerId).update({ secret_hash: hashWorkerSecret(secret) });
  return { workerId, auth: `Basic ${Buffer.from(`${workerId}:${secret}`).toString('base64')}` };
}

/** Makes the task active on the worker, and its job active, as if the worker had been given it. */
export async function giveTaskToWorker(db: Database, taskId: string, workerId: string): Promise<void> {
  const now = new Date().toISOString();
  const task = await db('tasks').where('id', taskId).first('job_id');
  await db('tasks').where('id', taskId).update({ status: 'active', worker_id: workerId, last_touched_at: now, updated_at: now });
  await db('jobs').where('id', task.job_id).update({ status: 'active', updated_at: now });
}
