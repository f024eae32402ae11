// Tablao's worker as a library: start one in-process (tests, `tablao start`), or run
// `tablao worker` (cli/worker-command.ts).

export { startWorker, DEFAULT_TIMING, WorkerError, type RunningWorker, type StartWorkerOptions, type WorkerExit, type WorkerTiming } from './worker.ts';
export { loadWorkerConfig, WorkerConfigError, type WorkerConfig, type WorkerConfigOverrides } from './config/worker-config.ts';
export { findWorkerSoftware, type WorkerSoftware } from './startup/software.ts';
export { commandRunners } from './commands/index.ts';
