// Starts real managers for tests: one on SQLite in a temporary folder, one on PostgreSQL in a
// schema of its own (when TABLAO_TEST_POSTGRES_URL is set; .ci/run sets it).

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { pino } from 'pino';
import type { ManagerConfig } from '../../src/config/config.ts';
import { startManager, type RunningManager, type StartOptions } from '../../src/manager.ts';
import { DEFAULT_VARIABLES } from '../../src/domain/variables.ts';
import { requestJson, type JsonResponse } from './http-request.ts';

export const POSTGRES_URL = process.env.TABLAO_TEST_POSTGRES_URL ?? '';

export interface TestManager extends RunningManager {
  dataDir: string;
  /** fetch() against the manager, with a JSON body when `body` is given. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  stop(): Promise<void>;
}

export type TestResponse = JsonResponse;

export type DatabaseKind = 'sqlite' | 'postgres';

export async function startTestManager(kind: DatabaseKind, overrides: Partial<ManagerConfig> = {}, options: StartOptions = {}): Promise<TestManager> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tablao-manager-'));
  const schema = kind === 'postgres' ? `test_${randomUUID().replaceAll('-', '')}` : undefined;
  const config: ManagerConfig = {
    managerName: 'Test Manager',
    host: '127.0.0.1',
    port: 0,
    dataDir,
    database: kind === 'postgres' ? POSTGRES_URL : '',
    sharedStoragePath: '',
    variables: DEFAULT_VARIABLES,
    configFile: join(dataDir, 'tablao-manager.yaml'),
    ...overrides,
  };
  const manager = await startManager(config, { log: pino({ level: process.env.TEST_LOG ?? 'silent' }), ...(schema ? { databaseSchema: schema } : {}), ...options });
  return {
    ...manager,
    dataDir,
    request: (method, path, body, headers = {}) => requestJson(manager.url + path, method, body, headers),
    async stop() {
      await manager.close();
      if (schema) {
        const admin = knex({ client: 'pg', connection: POSTGRES_URL });
        await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await admin.destroy();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `describe` once per database kind, skipped for PostgreSQL when its URL is not configured. */
export function describeOnEachDatabase(title: string, suite: (this: Mocha.Suite, kind: DatabaseKind) => void): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    const describeKind = kind === 'postgres' && !POSTGRES_URL ? describe.skip : describe;
    describeKind(`${title} (${kind})`, function () {
      this.timeout(30_000);
      suite.call(this, kind);
    });
  }
}

/** Runs `suite` once per database kind, against one manager (with `overrides` in its configuration). */
export function onEachDatabase(
  title: string,
  suite: (getManager: () => TestManager, kind: DatabaseKind) => void,
  overrides: Partial<ManagerConfig> = {},
): void {
  describeOnEachDatabase(title, (kind) => {
    let manager: TestManager | undefined;
    before(async () => {
      manager = await startTestManager(kind, overrides);
    });
    after(async () => {
      await manager?.stop();
    });
    suite(() => {
      if (!manager) throw new Error('the test manager did not start');
      return manager;
    }, kind);
  });
}
