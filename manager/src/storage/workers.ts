// Workers as the worker protocol sees them: registration, lookup by credentials, "last seen",
// and the status changes workers make themselves (sign-on, sign-off, state-changed), decided by
// domain/worker-status-requests.ts. Listing and steering workers (people's side) is in
// worker-management.ts.

import type { StatusChangeRequest } from '../domain/effects.ts';
import { scheduledWorkerStatus } from '../domain/sleep-schedule.ts';
import type { WorkerStatus } from '../domain/statuses.ts';
import type { WorkerAvailability } from '../domain/task-failure.ts';
import type { StateMachineOptions } from '../domain/task-state-machine.ts';
import { decideSignOff, decideSignOn, decideStateChanged, type WorkerState } from '../domain/worker-status-requests.ts';
import { applyEffects } from './apply-effects.ts';
import type { Database } from './database.ts';
import { changeRows, queryRows } from './direct-sql.ts';
import { fetchSleepSchedule } from './sleep-schedules.ts';
import { lockJobsOfActiveTasks, retryOnTransientConflict } from './task-updates.ts';
import { inTransaction, type TransactionServices } from './transaction.ts';

/** A registered worker that was not deleted, with what the protocol needs to know about it. */
export interface KnownWorker {
  id: string;
  name: string;
  address: string;
  platform: string;
  software: string;
  status: WorkerStatus;
  request: StatusChangeRequest | null;
  supportedTaskTypes: string[];
  canRestart: boolean;
  neverBlocklist: boolean;
  lastSeenAt: string | null;
}

interface WorkerRow {
  id: string;
  secret_hash: string;
  name: string;
  address: string;
  platform: string;
  software: string;
  status: string;
  status_requested: string | null;
  lazy_status_request: boolean | number;
  supported_task_types: string;
  can_restart: boolean | number;
  never_blocklist: boolean | number;
  last_seen_at: string | null;
}

const COLUMNS = [
  'id',
  'secret_hash',
  'name',
  'address',
  'platform',
  'software',
  'status',
  'status_requested',
  'lazy_status_request',
  'supported_task_types',
  'can_restart',
  'never_blocklist',
  'last_seen_at',
];

function workerFromRow(row: WorkerRow): KnownWorker {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    platform: row.platform,
    software: row.software,
    status: row.status as WorkerStatus,
    request: row.status_requested ? { status: row.status_requested as WorkerStatus, isLazy: Boolean(row.lazy_status_request) } : null,
    supportedTaskTypes: parseSupportedTaskTypes(row.supported_task_types),
    canRestart: Boolean(row.can_restart),
    neverBlocklist: Boolean(row.never_blocklist),
    lastSeenAt: row.last_seen_at,
  };
}

/** Task types are stored as a JSON list (Flamenco joins them with commas, which a type could contain). */
export function formatSupportedTaskTypes(types: readonly string[]): string {
  return JSON.stringify(types);
}

/** Reads the JSON list; a comma-separated list, as Flamenco stores it, is read too. */
export function parseSupportedTaskTypes(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON after all: read it as a comma-separated list
    }
  }
  return trimmed
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '');
}

/** As Flamenco does at sign-on: `" Blender"` and `"blender"` are one task type. Duplicates go. */
export function normalizeTaskTypes(types: readonly string[]): string[] {
  return [...new Set(types.map((type) => type.trim().toLowerCase()).filter((type) => type !== ''))];
}

export function workerStateOf(worker: KnownWorker): WorkerState {
  return { id: worker.id, name: worker.name, status: worker.status, request: worker.request, canRestart: worker.canRestart };
}

export interface NewWorker {
  id: string;
  secretHash: string;
  name: string;
  address: string;
  platform: string;
  supportedTaskTypes: readonly string[];
  now: string;
}

/** A worker that registered but never signed on is `offline`: nobody expects to hear from it yet. */
export const STATUS_AFTER_REGISTRATION: WorkerStatus = 'offline';

export async function insertWorker(db: Database, worker: NewWorker): Promise<KnownWorker> {
  await db('workers').insert({
    id: worker.id,
    secret_hash: worker.secretHash,
    name: worker.name,
    address: worker.address,
    platform: worker.platform,
    software: '',
    status: STATUS_AFTER_REGISTRATION,
    supported_task_types: formatSupportedTaskTypes(worker.supportedTaskTypes),
    can_restart: false,
    never_blocklist: false,
    created_at: worker.now,
    updated_at: worker.now,
  });
  const stored = await fetchKnownWorker(db, worker.id);
  if (!stored) throw new Error(`worker ${worker.id} was stored but cannot be read back`);
  return stored;
}

/** A worker that is registered and not deleted, with its secret's hash for checking credentials. */
// Asked at every call of every worker.
const CREDENTIALS_SQL = `SELECT ${COLUMNS.join(', ')} FROM workers WHERE id = ? AND deleted_at IS NULL`;

export async function fetchWorkerCredentials(db: Database, id: string): Promise<{ worker: KnownWorker; secretHash: string } | undefined> {
  const [row] = await queryRows<WorkerRow>(db, CREDENTIALS_SQL, [id]);
  return row ? { worker: workerFromRow(row), secretHash: row.secret_hash } : undefined;
}

export async function fetchKnownWorker(db: Database, id: string): Promise<KnownWorker | undefined> {
  return (await fetchWorkerCredentials(db, id))?.worker;
}

export interface SignOnData {
  name: string;
  supportedTaskTypes: readonly string[];
  software: string;
  canRestart: boolean;
  address: string;
}

/** What a worker says about itself at each start replaces what it said before. */
export async function saveSignOnData(trx: Database, workerId: string, data: SignOnData, now: string): Promise<void> {
  await trx('workers').where('id', workerId).update({
    name: data.name,
    supported_task_types: formatSupportedTaskTypes(data.supportedTaskTypes),
    software: data.software,
    can_restart: data.canRestart,
    address: data.address,
    last_seen_at: now,
    updated_at: now,
  });
}

/**
 * How stale "last seen" may get before a call writes it again. Far below the worker timeout (a
 * minute), and it spares busy workers a write on every call.
 */
export const LAST_SEEN_RESOLUTION_MS = 5_000;

/** The worker called in; the worker timeout counts from here. */
export async function markWorkerSeen(db: Database, worker: Pick<KnownWorker, 'id' | 'lastSeenAt'>, now: string): Promise<void> {
  if (worker.lastSeenAt !== null && Date.parse(now) - Date.parse(worker.lastSeenAt) < LAST_SEEN_RESOLUTION_MS) return;
  await changeRows(db, 'UPDATE workers SET last_seen_at = ? WHERE id = ?', [now, worker.id]);
}

/** Every worker, deleted ones included, as the failure rules weigh who could still run a task. */
export async function loadWorkerAvailabilities(db: Database): Promise<WorkerAvailability[]> {
  const rows: { id: string; status: string; deleted_at: string | null; supported_task_types: string }[] = await db('workers').select(
    'id',
    'status',
    'deleted_at',
    'supported_task_types',
  );
  const memberships: { worker_id: string; tag_id: string }[] = await db('worker_tag_members').select('worker_id', 'tag_id');
  const tagsByWorker = new Map<string, string[]>();
  for (const { worker_id, tag_id } of memberships) tagsByWorker.set(worker_id, [...(tagsByWorker.get(worker_id) ?? []), tag_id]);
  return rows.map((row) => ({
    id: row.id,
    status: row.status as WorkerStatus,
    deleted: row.deleted_at !== null,
    supportedTaskTypes: parseSupportedTaskTypes(row.supported_task_types),
    tagIds: tagsByWorker.get(row.id) ?? [],
  }));
}

export interface WorkerStatusServices extends TransactionServices {
  stateMachine: StateMachineOptions;
}

/**
 * A worker signs on at start-up: what it says about itself is stored, it is `starting`, and it
 * learns where to go next (a pending request, else what its sleep schedule wants).
 */
export async function signOnWorker(
  services: WorkerStatusServices,
  worker: KnownWorker,
  data: SignOnData,
  timeZone: string,
): Promise<WorkerStatus> {
  return inTransaction(services, async (trx, applied, now) => {
    const schedule = await fetchSleepSchedule(trx, worker.id);
    const decision = decideSignOn(workerStateOf(worker), scheduledWorkerStatus(schedule?.schedule ?? null, new Date(now), timeZone));
    await saveSignOnData(trx, worker.id, data, now);
    await applyEffects(trx, decision.effects, now, services.stateMachine, applied);
    return decision.initialStatus;
  });
}

/** A worker shuts down: offline, its task back to the queue, its status remembered for next time. */
export async function signOffWorker(services: WorkerStatusServices, worker: KnownWorker): Promise<void> {
  await retryOnTransientConflict(() =>
    inTransaction(services, async (trx, applied, now) => {
      await markWorkerSeen(trx, worker, now);
      await lockJobsOfActiveTasks(trx, worker.id);
      await applyEffects(trx, decideSignOff(workerStateOf(worker)).effects, now, services.stateMachine, applied);
    }),
  );
}

/** The worker reports the status it changed to; a warning when it is not the one asked for. */
export async function reportWorkerStatus(services: WorkerStatusServices, worker: KnownWorker, status: WorkerStatus): Promise<string | undefined> {
  return retryOnTransientConflict(() =>
    inTransaction(services, async (trx, applied, now) => {
      await markWorkerSeen(trx, worker, now);
      await lockJobsOfActiveTasks(trx, worker.id);
      const decision = decideStateChanged(workerStateOf(worker), status);
      await applyEffects(trx, decision.effects, now, services.stateMachine, applied);
      return decision.warning;
    }),
  );
}
