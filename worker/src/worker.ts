// A running worker: signs on (registering first when it has to), then follows the status the
// manager asks for — awake: ask for tasks and run them; asleep: wait for another status;
// offline or restart: stop — until it is stopped. Stopping aborts the running task, sends what
// is queued, and signs off, which hands the task back to the manager.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { CommandEnvironment, CommandRunner } from './commands/command.ts';
import type { WorkerConfig } from './config/worker-config.ts';
import { CredentialsError, credentialsFile, loadCredentials, newSecret, saveCredentials } from './config/credentials.ts';
import { Backoff, NO_TASK_BACKOFF, UNREACHABLE_BACKOFF, type BackoffPolicy } from './loop/backoff.ts';
import { actionForStatus, afterStateQuestion, afterTaskRequest, statusForAction } from './loop/decisions.ts';
import { pause } from './loop/pause.ts';
import { ManagerClient, type Credentials, type Reply, type WorkerStatus } from './manager/manager-client.ts';
import { OutputUploader } from './task/output-uploader.ts';
import { DEFAULT_REPORTER_OPTIONS, type TaskReporterOptions } from './task/task-reporter.ts';
import { runTask, type TaskRunServices } from './task/task-runner.ts';
import { platformName } from './startup/platform-name.ts';
import { QUEUE_FILE_NAME, UpdateQueue } from './upstream/update-queue.ts';
import { Upstream } from './upstream/upstream.ts';
import { WORKER_VERSION } from './version.ts';

export interface WorkerTiming {
  /** How often to ask may-i-run while a task runs (Flamenco: 10 s). */
  mayIRunIntervalMs: number;
  /** How often an asleep worker asks whether it should wake up (Flamenco: 3 s). */
  asleepPollMs: number;
  noTaskBackoff: BackoffPolicy;
  unreachableBackoff: BackoffPolicy;
  /** Waits between background attempts to send queued task updates. */
  queueRetryBackoff: BackoffPolicy;
  reporter: TaskReporterOptions;
  /** When stopping: how long to try to send queued updates and to sign off. */
  shutdownGraceMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_TIMING: WorkerTiming = {
  mayIRunIntervalMs: 5_000,
  asleepPollMs: 3_000,
  noTaskBackoff: NO_TASK_BACKOFF,
  unreachableBackoff: UNREACHABLE_BACKOFF,
  queueRetryBackoff: { ...UNREACHABLE_BACKOFF, maximumMs: 30_000 },
  reporter: DEFAULT_REPORTER_OPTIONS,
  shutdownGraceMs: 5_000,
  requestTimeoutMs: 30_000,
};

export interface StartWorkerOptions {
  config: WorkerConfig;
  commandRunners: Readonly<Record<string, CommandRunner>>;
  environment: CommandEnvironment;
  log?: Logger;
  timing?: Partial<WorkerTiming>;
  random?: () => number;
  /** Replaces the global fetch for every call to the manager. */
  fetch?: (request: Request) => Promise<Response>;
  /** Told when a command starts and ends. */
  onCommand?: TaskRunServices['onCommand'];
}

export interface WorkerExit {
  /** The process exit code: 0, or the restart exit code when the manager asked for a restart, or 1 when the worker could not work. */
  code: number;
  reason: string;
}

export interface RunningWorker {
  readonly name: string;
  /** The id the manager knows this worker by; undefined until it registered. */
  readonly id: string | undefined;
  /** The status the worker last reported. */
  readonly status: WorkerStatus;
  /** Resolves once the worker has stopped, whatever stopped it. */
  readonly stopped: Promise<WorkerExit>;
  /** Stops the worker: aborts its task, hands it back, signs off. */
  stop(): Promise<WorkerExit>;
}

/** Opens the worker's data folder and starts it; it signs on and works in the background. */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config } = options;
  try {
    await mkdir(config.dataDir, { recursive: true });
  } catch (error) {
    throw new WorkerError(`the data folder ${config.dataDir} cannot be made (${(error as Error).message}); choose a writable one with --data-dir`, { cause: error });
  }
  const queue = UpdateQueue.open(join(config.dataDir, QUEUE_FILE_NAME));
  let credentials;
  try {
    credentials = await loadCredentials(credentialsFile(config.dataDir));
  } catch (error) {
    queue.close();
    throw error;
  }
  const worker = new Worker(options, queue, credentials);
  const stopped = worker.run();
  return {
    name: config.workerName,
    get id() {
      return worker.id;
    },
    get status() {
      return worker.status;
    },
    stopped,
    stop: () => {
      worker.stop('asked to stop');
      return stopped;
    },
  };
}

/** What the worker does next after one of its states ends. */
type Next = { kind: 'status'; status: string } | { kind: 'sign-on-again' } | { kind: 'stopped' };

class Worker {
  status: WorkerStatus = 'starting';
  readonly #config: WorkerConfig;
  readonly #timing: WorkerTiming;
  readonly #log: Logger;
  readonly #random: () => number;
  readonly #client: ManagerClient;
  readonly #queue: UpdateQueue;
  readonly #upstream: Upstream;
  readonly #uploader: OutputUploader;
  readonly #taskServices: TaskRunServices;
  /** Aborted when the worker stops: everything it waits for ends. */
  readonly #stopping = new AbortController();
  /** Aborted when the grace period at shutdown is over: updates still under way go to the queue. */
  readonly #updatesCutOff = new AbortController();
  #graceTimer: NodeJS.Timeout | undefined;
  #credentials: Credentials | undefined;
  #signedOn = false;
  #managerAway = false;
  #exit: WorkerExit = { code: 0, reason: 'asked to stop' };

  constructor(options: StartWorkerOptions, queue: UpdateQueue, credentials: Credentials | undefined) {
    this.#config = options.config;
    this.#timing = { ...DEFAULT_TIMING, ...options.timing };
    this.#log = options.log ?? pino({ name: 'tablao-worker' });
    this.#random = options.random ?? Math.random;
    this.#client = new ManagerClient(this.#config.managerUrl, { requestTimeoutMs: this.#timing.requestTimeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
    this.#queue = queue;
    this.#upstream = new Upstream((taskId, update) => this.#client.taskUpdate(taskId, update, this.#updatesCutOff.signal), queue, this.#log, {
      retryBackoff: this.#timing.queueRetryBackoff,
      random: this.#random,
    });
    this.#uploader = new OutputUploader((taskId, image, mediaType) => this.#client.outputProduced(taskId, image, mediaType, this.#updatesCutOff.signal), this.#log);
    this.#taskServices = {
      upstream: this.#upstream,
      uploader: this.#uploader,
      mayIRun: (taskId, signal) => this.#client.mayIRun(taskId, signal),
      commandRunners: options.commandRunners,
      environment: options.environment,
      log: this.#log,
      mayIRunIntervalMs: this.#timing.mayIRunIntervalMs,
      reporter: this.#timing.reporter,
      ...(options.onCommand ? { onCommand: options.onCommand } : {}),
    };
    this.#credentials = credentials;
    if (credentials) this.#client.useCredentials(credentials);
  }

  get id(): string | undefined {
    return this.#credentials?.workerId;
  }

  stop(reason: string, code = 0): void {
    if (this.#stopping.signal.aborted) return;
    this.#exit = { code, reason };
    this.#stopping.abort();
    // From now on, an update that waits for a silent manager waits at most the grace period, then goes to the queue.
    this.#graceTimer = setTimeout(() => this.#updatesCutOff.abort(), this.#timing.shutdownGraceMs);
  }

  async run(): Promise<WorkerExit> {
    try {
      let next: Next = await this.#signOn();
      while (!this.#stopped) {
        if (next.kind === 'stopped') break;
        if (next.kind === 'sign-on-again') {
          next = await this.#signOn();
          continue;
        }
        next = await this.#follow(next.status);
      }
    } catch (error) {
      const explained = error instanceof WorkerError || error instanceof CredentialsError;
      this.stop(explained ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`, 1);
      if (!explained) this.#log.error({ err: error }, 'the worker stops after an unexpected error');
    } finally {
      await this.#shutDown();
    }
    return this.#exit;
  }

  get #stopped(): boolean {
    return this.#stopping.signal.aborted;
  }

  /** Goes to the status the manager asked for and stays there until something else is asked. */
  async #follow(requested: string): Promise<Next> {
    const canRestart = this.#config.restartExitCode !== 0;
    const action = actionForStatus(requested, canRestart);
    if (action === 'shut-down' || action === 'restart') {
      if (requested === 'restart' && !canRestart) this.#log.warn('asked to restart, but no restart_exit_code is configured: shutting down instead');
      this.stop(`the manager asked the worker to go ${requested}`, action === 'restart' ? this.#config.restartExitCode : 0);
      return { kind: 'stopped' };
    }
    const acknowledged = await this.#report(statusForAction(action, requested));
    if (acknowledged.kind !== 'status') return acknowledged;
    this.#log.info({ status: this.status }, action === 'work' ? 'awake: asking for tasks' : 'asleep: waiting to be woken up');
    return action === 'work' ? this.#work() : this.#sleep();
  }

  /** Tells the manager the worker's new status, trying until it hears it. */
  async #report(status: WorkerStatus): Promise<Next> {
    const away = new Backoff(this.#timing.unreachableBackoff, this.#random);
    while (!this.#stopped) {
      const reply = await this.#client.stateChanged(status, this.#stopping.signal);
      if (reply.reachable && reply.status === 204) {
        this.#managerIsBack();
        this.status = status;
        return { kind: 'status', status };
      }
      if (reply.reachable && (reply.status === 403 || reply.status === 401)) return this.#unknownToManager(reply.message);
      if (reply.reachable && reply.status >= 400 && reply.status < 500) {
        throw new WorkerError(`the manager refused the worker's status "${status}": ${reply.message}`);
      }
      await this.#waitForManager(reply, away);
    }
    return { kind: 'stopped' };
  }

  /** Awake: asks for a task, runs it, and again, until a status change is asked for. */
  async #work(): Promise<Next> {
    const noTask = new Backoff(this.#timing.noTaskBackoff, this.#random);
    const away = new Backoff(this.#timing.unreachableBackoff, this.#random);
    while (!this.#stopped) {
      // What earlier tasks reported goes first: the manager hands a worker its active task again
      // until it hears that the task ended.
      if (!(await this.#upstream.flush())) {
        await this.#waitForManager({ reachable: false, message: 'queued task updates cannot be sent yet' }, away);
        continue;
      }
      const reply = await this.#client.scheduleTask(this.#stopping.signal);
      if (this.#stopped) break;
      const decision = afterTaskRequest(reply);
      switch (decision.kind) {
        case 'run-task': {
          this.#managerIsBack();
          noTask.reset();
          away.reset();
          const end = await runTask(decision.task, this.#taskServices, this.#stopping.signal);
          if (end.kind === 'aborted' && end.reason.kind === 'worker-unknown') return this.#unknownToManager(end.reason.reason);
          break;
        }
        case 'wait-for-work':
          this.#managerIsBack();
          away.reset();
          await pause(noTask.next(), this.#stopping.signal);
          break;
        case 'wait-for-manager':
          await this.#waitForManager(reply, away);
          break;
        case 'change-status':
          this.#managerIsBack();
          this.#log.info({ requested: decision.status }, 'the manager asks for another status');
          return { kind: 'status', status: decision.status };
        case 'report-awake':
          this.#log.warn({ reason: decision.message }, 'the manager does not count this worker as awake; reporting awake again');
          return { kind: 'status', status: 'awake' };
        case 'register-again':
          return this.#unknownToManager(decision.message);
      }
    }
    return { kind: 'stopped' };
  }

  /** Asleep: asks every few seconds whether to wake up (or go elsewhere). */
  async #sleep(): Promise<Next> {
    while (!this.#stopped) {
      await this.#upstream.flush();
      await pause(this.#timing.asleepPollMs, this.#stopping.signal);
      if (this.#stopped) break;
      const reply = await this.#client.state(this.#stopping.signal);
      const decision = afterStateQuestion(reply);
      if (decision.kind === 'change-status') {
        this.#managerIsBack();
        return { kind: 'status', status: decision.status };
      }
      if (decision.kind === 'register-again') return this.#unknownToManager(decision.message);
      if (decision.kind === 'manager-away') this.#noteManagerAway(decision.message);
      else this.#managerIsBack();
    }
    return { kind: 'stopped' };
  }

  /** Signs on (registering first when needed) and returns the status the manager wants. */
  async #signOn(): Promise<Next> {
    const away = new Backoff(this.#timing.unreachableBackoff, this.#random);
    while (!this.#stopped) {
      if (this.#credentials === undefined) {
        const registered = await this.#register(away);
        if (!registered) break;
      }
      const reply = await this.#client.signOn(
        {
          name: this.#config.workerName,
          supported_task_types: this.#config.taskTypes,
          software_version: WORKER_VERSION,
          can_restart: this.#config.restartExitCode !== 0,
        },
        this.#stopping.signal,
      );
      if (reply.reachable && reply.status === 200 && reply.body) {
        this.#managerIsBack();
        this.#signedOn = true;
        this.#log.info({ id: this.id, name: this.#config.workerName, manager: this.#config.managerUrl, status: reply.body.status_requested }, 'signed on');
        return { kind: 'status', status: reply.body.status_requested };
      }
      if (reply.reachable && (reply.status === 403 || reply.status === 401)) {
        this.#log.warn({ id: this.id, reason: reply.message }, 'the manager does not know this worker; registering again');
        this.#credentials = undefined;
        continue;
      }
      if (reply.reachable && reply.status >= 400 && reply.status < 500) throw new WorkerError(`the manager refused the sign-on: ${reply.message}`);
      await this.#waitForManager(reply, away);
    }
    return { kind: 'stopped' };
  }

  async #register(away: Backoff): Promise<boolean> {
    while (!this.#stopped) {
      const secret = newSecret();
      const reply = await this.#client.register(
        { secret, platform: platformName(process.platform), supported_task_types: this.#config.taskTypes, name: this.#config.workerName },
        this.#stopping.signal,
      );
      if (reply.reachable && reply.status === 200 && reply.body) {
        const credentials = { workerId: reply.body.uuid, secret };
        await saveCredentials(credentialsFile(this.#config.dataDir), { ...credentials, managerUrl: this.#config.managerUrl });
        this.#credentials = credentials;
        this.#client.useCredentials(credentials);
        this.#log.info({ id: credentials.workerId, manager: this.#config.managerUrl }, 'registered with the manager');
        return true;
      }
      if (reply.reachable && reply.status >= 400 && reply.status < 500) throw new WorkerError(`the manager refused to register this worker: ${reply.message}`);
      await this.#waitForManager(reply, away);
    }
    return false;
  }

  #unknownToManager(message: string): Next {
    this.#log.warn({ id: this.id, reason: message }, 'the manager does not know this worker any more; signing on again');
    this.#signedOn = false;
    return { kind: 'sign-on-again' };
  }

  async #waitForManager(reply: Reply<unknown>, away: Backoff): Promise<void> {
    this.#noteManagerAway(reply.message);
    const hinted = reply.reachable ? (reply.retryAfterMs ?? 0) : 0;
    await pause(Math.max(hinted, away.next()), this.#stopping.signal);
  }

  #noteManagerAway(message: string): void {
    if (this.#managerAway) {
      this.#log.debug({ reason: message }, 'the manager is still away');
      return;
    }
    this.#managerAway = true;
    this.#log.warn({ manager: this.#config.managerUrl, reason: message }, 'the manager cannot be reached; trying again with growing waits (task updates are kept on disk)');
  }

  #managerIsBack(): void {
    if (!this.#managerAway) return;
    this.#managerAway = false;
    this.#log.info({ manager: this.#config.managerUrl }, 'the manager answers again');
  }

  /** Sends what is left (within the grace period), signs off and closes the data folder. */
  async #shutDown(): Promise<void> {
    this.stop(this.#exit.reason, this.#exit.code);
    try {
      await this.#uploader.close();
      if (!(await this.#upstream.flush())) this.#log.warn({ queued: this.#upstream.queued }, 'task updates stay queued on disk; they are sent when the worker starts again');
      if (this.#signedOn) {
        // Signing off hands the task back at once; it gets a moment of its own even when sending updates took the whole grace period.
        const reply = await this.#client.signOff(AbortSignal.timeout(Math.min(this.#timing.shutdownGraceMs, SIGN_OFF_TIMEOUT_MS)));
        if (reply.reachable && reply.status === 204) this.#log.info('signed off');
        else this.#log.warn({ reason: reply.message }, 'could not sign off; the manager hands the task back when it notices the worker is gone');
      }
    } finally {
      clearTimeout(this.#graceTimer);
      await this.#upstream.close();
      this.#queue.close();
    }
  }
}

/** The longest a sign-off at shutdown may take. */
const SIGN_OFF_TIMEOUT_MS = 5_000;

/** A problem the worker cannot solve by waiting: it stops and says why. */
export class WorkerError extends Error {}
