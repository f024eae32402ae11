// Starting and stopping a manager: configuration, database, compiler, job types, HTTP.

import type { Server } from 'node:http';
import { join } from 'node:path';
import { JobCompiler } from '@tablao/compiler';
import { pino, type Logger } from 'pino';
import { createApp } from './app.ts';
import { systemClock, type Clock } from './clock.ts';
import type { ManagerConfig } from './config/config.ts';
import { JobTypeRegistry } from './job-types/registry.ts';
import { openDatabase, sqliteFileOf, type Database } from './storage/database.ts';
import { startCheckpointer } from './storage/wal-checkpointer.ts';
import { EventBus } from './events/event-bus.ts';
import { TaskLogStore } from './task-logs/task-log-store.ts';
import { DEFAULT_STATE_MACHINE_OPTIONS } from './domain/task-state-machine.ts';
import { TimeoutChecker, type TimeoutCheckerOptions } from './background/timeout-checker.ts';
import { ManagerMetrics } from './metrics/metrics.ts';
import type { ManagerServices } from './handlers/context.ts';
import { SleepScheduler } from './background/sleep-scheduler.ts';
import { ShamanGarbageCollector } from './shaman/garbage-collector.ts';

export interface RunningManager {
  url: string;
  db: Database;
  /** What the handlers work with (tests publish events and write logs through it). */
  services: ManagerServices;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  clock?: Clock;
  /** PostgreSQL only: the schema to use (tests use one each). */
  databaseSchema?: string;
  /** Worker and task timeouts and when to check them; Flamenco's defaults when left out. */
  timeoutChecks?: TimeoutCheckerOptions;
}

export const TABLAO_VERSION = '0.1.0';

export async function startManager(config: ManagerConfig, options: StartOptions = {}): Promise<RunningManager> {
  const log = options.log ?? pino({ name: 'tablao-manager' });
  const databaseUrl = config.database || join(config.dataDir, 'tablao.sqlite');
  const db = await openDatabase({ url: databaseUrl, ...(options.databaseSchema ? { schema: options.databaseSchema } : {}) });
  const sqliteFile = sqliteFileOf(databaseUrl);
  const checkpointer = sqliteFile === undefined ? undefined : await startCheckpointer(db, sqliteFile);
  const compiler = new JobCompiler();
  const registry = new JobTypeRegistry({ compiler, db, scriptsDir: join(config.dataDir, 'scripts') });
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const events = new EventBus();
  const services: ManagerServices = {
    config,
    db,
    compiler,
    registry,
    clock: options.clock ?? systemClock,
    log,
    platform,
    version: TABLAO_VERSION,
    events,
    taskLogs: new TaskLogStore(config.dataDir, events, (error) => log.warn({ err: error }, 'a line of the manager could not be written to a task log')),
    stateMachine: DEFAULT_STATE_MACHINE_OPTIONS,
    metrics: new ManagerMetrics(db),
  };
  const app = createApp(services);
  const sleepScheduler = new SleepScheduler(services);
  const timeoutChecker = new TimeoutChecker(services, options.timeoutChecks);
  const shamanCollector = new ShamanGarbageCollector(services);

  /** Gives back what the manager holds besides its server and background loops. */
  const release = async (): Promise<void> => {
    compiler.dispose();
    await checkpointer?.stop();
    await db.destroy();
    await services.taskLogs.close();
  };

  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      const s = app.listen(config.port, config.host || undefined, () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    // Nothing may be left running (the database pool's timers would keep the process alive).
    await release();
    throw error;
  }
  sleepScheduler.start();
  timeoutChecker.start();
  shamanCollector.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host && config.host !== '0.0.0.0' ? config.host : 'localhost';
  return {
    url: `http://${host}:${port}`,
    db,
    services,
    async close() {
      // Ends the event streams, which would otherwise keep the server open.
      await events.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await sleepScheduler.stop();
      await timeoutChecker.stop();
      await shamanCollector.stop();
      await release();
    },
  };
}
