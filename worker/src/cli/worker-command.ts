// `tablao worker`: runs a worker until SIGTERM or SIGINT, or until the manager sends it offline
// (exit 0) or asks it to restart (exit with the restart exit code).

import { parseArgs } from 'node:util';
import { commandRunners } from '../commands/index.ts';
import { CredentialsError } from '../config/credentials.ts';
import { loadWorkerConfig, WorkerConfigError, type WorkerConfig, type WorkerConfigOverrides } from '../config/worker-config.ts';
import { ManagerClient } from '../manager/manager-client.ts';
import { findWorkerSoftware } from '../startup/software.ts';
import { UpdateQueueError } from '../upstream/update-queue.ts';
import { startWorker, WorkerError, type RunningWorker, type StartWorkerOptions } from '../worker.ts';

const HELP = `Usage: tablao worker [options]

Runs a Tablao worker: it signs on with the manager, asks it for tasks and runs them
(Blender, FFmpeg, file commands), until it is stopped (SIGTERM, Ctrl-C) or the manager
sends it offline.

Options:
  --manager URL            the manager, e.g. http://render-manager:8080
                           (default: manager_url in the configuration, http://localhost:8080)
  --data-dir DIR           where the worker keeps its configuration, credentials and queued
                           task updates (default: ./tablao-worker-data)
  --config FILE            the configuration file (default: DIR/tablao-worker.yaml, made with
                           working defaults on first run)
  --name NAME              the name the farm shows (default: worker_name, else the host name)
  --restart-exit-code N    exit with N when the manager asks for a restart, so that a service
                           manager starts the worker again (default: restart_exit_code, 0 = never)
  -h, --help               show this help`;

export async function run(args: string[]): Promise<number> {
  let overrides: WorkerConfigOverrides;
  try {
    const parsed = parseWorkerArgs(args);
    if (parsed === 'help') {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    overrides = parsed;
  } catch (error) {
    process.stderr.write(`tablao worker: ${(error as Error).message}\n\n${HELP}\n`);
    return 2;
  }

  const started = await launchWorker(overrides);
  if (typeof started === 'number') return started;
  return runUntilStopped(started);
}

export function parseWorkerArgs(args: string[]): WorkerConfigOverrides | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      manager: { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      name: { type: 'string' },
      'restart-exit-code': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  return {
    ...(values.manager !== undefined ? { managerUrl: values.manager } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.config ? { configFile: values.config } : {}),
    ...(values.name !== undefined ? { workerName: values.name } : {}),
    ...(values['restart-exit-code'] !== undefined ? { restartExitCode: parseExitCode(values['restart-exit-code']) } : {}),
  };
}

/**
 * Reads the configuration, finds Blender and FFmpeg, says what the worker uses, and starts it.
 * Returns the exit code instead when it cannot start (the message is on stderr already).
 */
export async function launchWorker(overrides: WorkerConfigOverrides, extra: Partial<StartWorkerOptions> = {}): Promise<RunningWorker | number> {
  let config: WorkerConfig;
  try {
    config = await loadWorkerConfig(overrides);
  } catch (error) {
    if (error instanceof WorkerConfigError) {
      process.stderr.write(`tablao worker: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const software = await findWorkerSoftware(config, new ManagerClient(config.managerUrl));
  process.stdout.write(
    [
      `Tablao worker "${config.workerName}" works for the manager at ${config.managerUrl} (data in ${config.dataDir})`,
      `  ${software.blender.summary}`,
      `  ${software.ffmpeg.summary}`,
      ...(software.variablesProblem ? [`  (the manager's variables could not be read: ${software.variablesProblem})`] : []),
      '',
    ].join('\n'),
  );

  try {
    return await startWorker({ config, commandRunners, environment: software.environment, ...extra });
  } catch (error) {
    if (error instanceof UpdateQueueError || error instanceof CredentialsError || error instanceof WorkerError) {
      process.stderr.write(`tablao worker: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** Stops the worker on the first SIGTERM or SIGINT; returns its exit code. */
async function runUntilStopped(worker: RunningWorker): Promise<number> {
  const stop = (signal: NodeJS.Signals) => {
    process.stdout.write(`Stopping the worker (${signal}): its task goes back to the manager.\n`);
    void worker.stop();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    const exit = await worker.stopped;
    process.stdout.write(`The worker stopped: ${exit.reason}.\n`);
    if (exit.code === 1) process.stderr.write(`tablao worker: ${exit.reason}\n`);
    return exit.code;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}

function parseExitCode(text: string): number {
  const code = Number(text);
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new Error(`--restart-exit-code "${text}" is not an exit code (0–255)`);
  return code;
}
