// A real manager in a child process, the way `tablao manager` runs: for tests that kill it
// (crash safety) and for benchmarks. SQLite in a data folder, or PostgreSQL in a schema of its own.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { TABLAO_SCRIPT, tablaoLaunchSettings } from '../../../bin/launch.ts';

export interface ManagerProcessOptions {
  database: 'sqlite' | 'postgres';
  postgresUrl?: string;
  /** Reuse a data folder (and, for PostgreSQL, a schema) of an earlier process: a restart. */
  dataDir?: string;
  schema?: string;
}

export interface ManagerProcess {
  url: string;
  pid: number;
  dataDir: string;
  schema?: string;
  rssBytes(): Promise<number>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<void>;
  /** Removes the data folder and the schema. */
  cleanUp(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

async function withAdmin(url: string, work: (admin: knex.Knex) => Promise<unknown>): Promise<void> {
  const admin = knex({ client: 'pg', connection: url });
  try {
    await work(admin);
  } finally {
    await admin.destroy();
  }
}

export async function launchManagerProcess(options: ManagerProcessOptions): Promise<ManagerProcess> {
  const postgresUrl = options.postgresUrl ?? '';
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tablao-process-')));
  const port = await freePort();
  const args = [TABLAO_SCRIPT, 'manager', '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1'];
  let schema = options.schema;
  if (options.database === 'postgres') {
    if (!schema) {
      schema = `proc_${randomUUID().replaceAll('-', '')}`;
      const created = schema;
      await withAdmin(postgresUrl, (admin) => admin.raw('CREATE SCHEMA ??', [created]));
    }
    const separator = postgresUrl.includes('?') ? '&' : '?';
    args.push('--database', `${postgresUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`);
  }
  // e.g. TABLAO_MANAGER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the manager under a benchmark.
  const extraNodeArgs = (process.env.TABLAO_MANAGER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const launch = tablaoLaunchSettings();
  const child: ChildProcess = spawn(process.execPath, [...launch.nodeOptions, ...extraNodeArgs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...launch.env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${url}/api/v3/version`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 300 || child.exitCode !== null) throw new Error(`the manager did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    pid: child.pid!,
    dataDir,
    ...(schema ? { schema } : {}),
    async rssBytes() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async cleanUp() {
      await end('SIGTERM');
      if (schema) await withAdmin(postgresUrl, (admin) => admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
