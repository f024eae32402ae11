// A worker that speaks the worker protocol over HTTP and runs nothing: it registers, signs on,
// asks for tasks and reports on them the way Flamenco's worker does. For tests and benchmarks;
// it needs only the manager's base URL.

import { randomBytes } from 'node:crypto';
import type { Schema } from '@tablao/api-client';
import { requestJson, type JsonResponse } from './http-request.ts';

export type WorkerResponse = JsonResponse;

export type AssignedTask = Schema<'AssignedTask'>;
export type TaskUpdate = Schema<'TaskUpdate'>;

export interface SimulatedWorkerOptions {
  name?: string;
  platform?: string;
  supportedTaskTypes?: string[];
  /** Made up from random bytes when not given, as Flamenco's worker does. */
  secret?: string;
  softwareVersion?: string;
  canRestart?: boolean;
}

/** Flamenco's worker's default task types. */
export const DEFAULT_TASK_TYPES = ['blender', 'ffmpeg', 'file-management', 'misc'];

let workerCount = 0;

export class SimulatedWorker {
  readonly baseUrl: string;
  readonly id: string;
  readonly secret: string;
  readonly name: string;
  readonly platform: string;
  readonly supportedTaskTypes: string[];
  readonly #options: SimulatedWorkerOptions;
  readonly #authorization: string;

  private constructor(baseUrl: string, id: string, secret: string, options: Required<Pick<SimulatedWorkerOptions, 'name' | 'platform' | 'supportedTaskTypes'>> & SimulatedWorkerOptions) {
    this.baseUrl = baseUrl;
    this.id = id;
    this.secret = secret;
    this.name = options.name;
    this.platform = options.platform;
    this.supportedTaskTypes = options.supportedTaskTypes;
    this.#options = options;
    this.#authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }

  /** Registers a new worker with the manager at `baseUrl`. */
  static async register(baseUrl: string, options: SimulatedWorkerOptions = {}): Promise<SimulatedWorker> {
    const settings = {
      ...options,
      name: options.name ?? `simulated-${++workerCount}`,
      platform: options.platform ?? 'linux',
      supportedTaskTypes: options.supportedTaskTypes ?? DEFAULT_TASK_TYPES,
    };
    const secret = options.secret ?? randomBytes(32).toString('hex');
    const response = await send(baseUrl, 'POST', '/api/v3/worker/register-worker', undefined, {
      secret,
      platform: settings.platform,
      supported_task_types: settings.supportedTaskTypes,
      name: settings.name,
    });
    if (response.status !== 200) throw new Error(`registering ${settings.name} failed: ${response.status} ${response.text}`);
    return new SimulatedWorker(baseUrl, response.body.uuid, secret, settings);
  }

  /** Registers, signs on and acknowledges the status it is told (awake unless asked otherwise). */
  static async start(baseUrl: string, options: SimulatedWorkerOptions = {}): Promise<SimulatedWorker> {
    const worker = await SimulatedWorker.register(baseUrl, options);
    await worker.wakeUp();
    return worker;
  }

  /** A copy that sends other credentials: for testing refusals. */
  withSecret(secret: string): SimulatedWorker {
    return new SimulatedWorker(this.baseUrl, this.id, secret, { ...this.#options, name: this.name, platform: this.platform, supportedTaskTypes: this.supportedTaskTypes });
  }

  /** An authenticated request to the manager. */
  call(method: string, path: string, body?: unknown): Promise<WorkerResponse> {
    return send(this.baseUrl, method, path, this.#authorization, body);
  }

  async signOn(overrides: Partial<{ name: string; supported_task_types: string[]; software_version: string; can_restart: boolean }> = {}): Promise<WorkerResponse> {
    return this.call('POST', '/api/v3/worker/sign-on', {
      name: this.name,
      supported_task_types: this.supportedTaskTypes,
      software_version: this.#options.softwareVersion ?? 'simulated 1.0',
      ...(this.#options.canRestart === undefined ? {} : { can_restart: this.#options.canRestart }),
      ...overrides,
    });
  }

  /** Signs on and reports the status the manager asks for; returns that status. */
  async wakeUp(): Promise<string> {
    const signedOn = await this.signOn();
    if (signedOn.status !== 200) throw new Error(`${this.name} could not sign on: ${signedOn.status} ${signedOn.text}`);
    const status: string = signedOn.body.status_requested;
    await this.expect(204, this.stateChanged(status));
    return status;
  }

  signOff(): Promise<WorkerResponse> {
    return this.call('POST', '/api/v3/worker/sign-off');
  }

  state(): Promise<WorkerResponse> {
    return this.call('GET', '/api/v3/worker/state');
  }

  stateChanged(status: string): Promise<WorkerResponse> {
    return this.call('POST', '/api/v3/worker/state-changed', { status });
  }

  askForTask(): Promise<WorkerResponse> {
    return this.call('POST', '/api/v3/worker/task');
  }

  /** The task the manager hands out, or undefined when there is none (204); anything else throws. */
  async nextTask(): Promise<AssignedTask | undefined> {
    const response = await this.askForTask();
    if (response.status === 204) return undefined;
    if (response.status !== 200) throw new Error(`${this.name} asked for a task and got ${response.status} ${response.text}`);
    return response.body as AssignedTask;
  }

  update(taskId: string, update: TaskUpdate): Promise<WorkerResponse> {
    return this.call('POST', `/api/v3/worker/task/${taskId}`, update);
  }

  mayIRun(taskId: string): Promise<WorkerResponse> {
    return this.call('GET', `/api/v3/worker/task/${taskId}/may-i-run`);
  }

  complete(taskId: string): Promise<WorkerResponse> {
    return this.update(taskId, { taskStatus: 'completed', activity: 'Completed' });
  }

  fail(taskId: string, reason = 'simulated failure'): Promise<WorkerResponse> {
    return this.update(taskId, { taskStatus: 'failed', activity: `Failed: ${reason}`, log: `${reason}\n` });
  }

  /** Runs a task as Flamenco's worker reports it: started, one step per command, then the outcome. */
  async runTask(task: AssignedTask, outcome: 'completed' | 'failed' = 'completed'): Promise<void> {
    await this.expect(204, this.update(task.uuid, { taskStatus: 'active', activity: 'Started' }));
    let steps = task.steps_completed;
    for (const command of task.commands) {
      steps = Math.min(task.steps_total, steps + Math.max(1, command.total_step_count));
      await this.expect(204, this.update(task.uuid, { activity: `Ran ${command.name}`, log: `${command.name} done\n`, steps_completed: steps }));
    }
    await this.expect(204, outcome === 'completed' ? this.complete(task.uuid) : this.fail(task.uuid));
  }

  /** Asks for and completes tasks until the manager has none for it; returns the tasks it ran. */
  async runUntilIdle(limit = 10_000): Promise<AssignedTask[]> {
    const ran: AssignedTask[] = [];
    for (let task = await this.nextTask(); task !== undefined && ran.length < limit; task = await this.nextTask()) {
      await this.runTask(task);
      ran.push(task);
    }
    return ran;
  }

  async expect(status: number, pending: Promise<WorkerResponse>): Promise<WorkerResponse> {
    const response = await pending;
    if (response.status !== status) throw new Error(`${this.name}: expected ${status}, got ${response.status} ${response.text}`);
    return response;
  }
}

function send(baseUrl: string, method: string, path: string, authorization: string | undefined, body?: unknown): Promise<WorkerResponse> {
  return requestJson(baseUrl + path, method, body, authorization === undefined ? {} : { authorization });
}
