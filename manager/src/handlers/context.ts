// What handlers get to work with: the manager's services, built once at start-up.

import type { JobCompiler } from '@tablao/compiler';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { ManagerConfig } from '../config/config.ts';
import type { JobTypeRegistry } from '../job-types/registry.ts';
import type { Database } from '../storage/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { TaskLogStore } from '../task-logs/task-log-store.ts';
import type { StateMachineOptions } from '../domain/task-state-machine.ts';
import type { ManagerMetrics } from '../metrics/metrics.ts';

export interface ManagerServices {
  config: ManagerConfig;
  db: Database;
  compiler: JobCompiler;
  registry: JobTypeRegistry;
  clock: Clock;
  log: Logger;
  /** The manager's platform in Go's naming (linux, windows, darwin). */
  platform: string;
  version: string;
  events: EventBus;
  taskLogs: TaskLogStore;
  stateMachine: StateMachineOptions;
  /** Prometheus metrics: `recordCompile(ms)`, `recordDispatch(ms)`. */
  metrics: ManagerMetrics;
}
