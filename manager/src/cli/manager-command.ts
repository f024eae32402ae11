// `tablao manager`: runs the manager until SIGTERM or SIGINT.

import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type ConfigOverrides } from '../config/config.ts';
import { startManager, type RunningManager } from '../manager.ts';
import type { ManagerConfig } from '../config/config.ts';

export interface ManagerRunHooks {
  /** Called once the manager listens (`tablao start` starts a local worker here); what it returns runs before the manager stops. */
  started?(manager: RunningManager, config: ManagerConfig): Promise<() => Promise<void>>;
}

const HELP = `Usage: tablao manager [options]

Runs the Tablao manager: the farm's API, storage and scheduling.

Options:
  --data-dir DIR    where the manager keeps its database, logs and configuration
                    (default: ./tablao-data)
  --config FILE     the configuration file (default: DIR/tablao-manager.yaml, made with
                    working defaults on first run)
  --port N          the port to listen on (default: 8080)
  --host ADDRESS    the interface to listen on (default: all)
  --database URL    postgres://user@host/db to use PostgreSQL instead of the embedded SQLite
  -h, --help        show this help`;

export async function run(args: string[], hooks: ManagerRunHooks = {}): Promise<number> {
  let overrides: ConfigOverrides;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        database: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
    overrides = {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values.config ? { configFile: values.config } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.database !== undefined ? { database: values.database } : {}),
      ...(values.port !== undefined ? { port: parsePort(values.port) } : {}),
    };
  } catch (error) {
    process.stderr.write(`tablao manager: ${(error as Error).message}\n\n${HELP}\n`);
    return 2;
  }

  let config;
  try {
    config = await loadConfig(overrides);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tablao manager: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  let manager;
  try {
    manager = await startManager(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      process.stderr.write(`tablao manager: port ${config.port} is in use by another program; choose another with --port\n`);
      return 1;
    }
    throw error;
  }
  process.stdout.write(`Tablao manager is running at ${manager.url}/ (data in ${config.dataDir})\n`);
  const beforeStop = await hooks.started?.(manager, config);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await beforeStop?.();
  await manager.close();
  return 0;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port "${text}" is not a port number (1–65535)`);
  return port;
}
