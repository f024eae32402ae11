// The worker's side of the worker protocol: one method per operation, over @tablao/api-client
// with the worker's credentials. No method throws for what the network or the manager does:
// each gives back a Reply, either the manager's answer (any status) or "unreachable", and the
// callers decide (retry, queue, give up).

import { createTablaoClient, type Schema, type TablaoClient } from '@tablao/api-client';

export type AssignedTask = Schema<'AssignedTask'>;
export type TaskUpdate = Schema<'TaskUpdate'>;
export type WorkerStatus = Schema<'WorkerStatus'>;
export type MayKeepRunning = Schema<'MayKeepRunning'>;
export type RegisteredWorker = Schema<'RegisteredWorker'>;
export type WorkerRegistration = Schema<'WorkerRegistration'>;
export type WorkerSignOn = Schema<'WorkerSignOn'>;

export type Reply<T = undefined> =
  | {
      readonly reachable: true;
      readonly status: number;
      /** The body of a 2xx answer; undefined for 204 and for errors. */
      readonly body: T | undefined;
      /** The manager's message for an error (its `Error.message`, or the status text). */
      readonly message: string;
      /** The body of an error answer, as sent (423 carries the status the worker must go to). */
      readonly errorBody: unknown;
      /** From Retry-After, when the manager said when to try again. */
      readonly retryAfterMs?: number;
    }
  | { readonly reachable: false; readonly message: string };

export interface Credentials {
  workerId: string;
  secret: string;
}

export interface ManagerClientOptions {
  /** How long one request may take before it counts as the manager being unreachable. */
  requestTimeoutMs?: number;
  /** Uploads of last-rendered images may take longer. */
  uploadTimeoutMs?: number;
  /** Replaces the global fetch (benchmarks measure the worker's overhead through it). */
  fetch?: (request: Request) => Promise<Response>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_UPLOAD_TIMEOUT_MS = 120_000;

export class ManagerClient {
  readonly url: string;
  readonly #client: TablaoClient;
  readonly #requestTimeoutMs: number;
  readonly #uploadTimeoutMs: number;
  #authorization: string | undefined;

  constructor(url: string, options: ManagerClientOptions = {}) {
    this.url = url.replace(/\/+$/, '');
    this.#client = createTablaoClient(this.url, options.fetch ? { fetch: options.fetch } : {});
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#uploadTimeoutMs = options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
  }

  /** The worker's id and secret, sent with every call but registration. */
  useCredentials(credentials: Credentials): void {
    this.#authorization = `Basic ${Buffer.from(`${credentials.workerId}:${credentials.secret}`).toString('base64')}`;
  }

  register(registration: WorkerRegistration, signal?: AbortSignal): Promise<Reply<RegisteredWorker>> {
    return this.#call(() => this.#client.POST('/api/v3/worker/register-worker', { body: registration, ...this.#init(signal, false) }));
  }

  signOn(signOn: WorkerSignOn, signal?: AbortSignal): Promise<Reply<Schema<'WorkerStateChange'>>> {
    return this.#call(() => this.#client.POST('/api/v3/worker/sign-on', { body: signOn, ...this.#init(signal) }));
  }

  signOff(signal?: AbortSignal): Promise<Reply> {
    return this.#call(() => this.#client.POST('/api/v3/worker/sign-off', this.#init(signal)));
  }

  /** 200 with the status to go to, or 204 when nothing is asked. */
  state(signal?: AbortSignal): Promise<Reply<Schema<'WorkerStateChange'>>> {
    return this.#call(() => this.#client.GET('/api/v3/worker/state', this.#init(signal)));
  }

  stateChanged(status: WorkerStatus, signal?: AbortSignal): Promise<Reply> {
    return this.#call(() => this.#client.POST('/api/v3/worker/state-changed', { body: { status }, ...this.#init(signal) }));
  }

  /** 200 with a task, 204 when there is none, 423 with a status to go to first, 409 when not awake. */
  scheduleTask(signal?: AbortSignal): Promise<Reply<AssignedTask>> {
    return this.#call(() => this.#client.POST('/api/v3/worker/task', this.#init(signal)));
  }

  taskUpdate(taskId: string, update: TaskUpdate, signal?: AbortSignal): Promise<Reply> {
    return this.#call(() =>
      this.#client.POST('/api/v3/worker/task/{task_id}', { params: { path: { task_id: taskId } }, body: update, ...this.#init(signal) }),
    );
  }

  mayIRun(taskId: string, signal?: AbortSignal): Promise<Reply<MayKeepRunning>> {
    return this.#call(() => this.#client.GET('/api/v3/worker/task/{task_id}/may-i-run', { params: { path: { task_id: taskId } }, ...this.#init(signal) }));
  }

  outputProduced(taskId: string, image: Uint8Array, mediaType: 'image/jpeg' | 'image/png', signal?: AbortSignal): Promise<Reply> {
    const init = this.#init(signal, true, this.#uploadTimeoutMs);
    return this.#call(() =>
      this.#client.POST('/api/v3/worker/task/{task_id}/output-produced', {
        params: { path: { task_id: taskId } },
        // The image goes as it is; fetch sets Content-Length for a byte body, which the manager requires.
        body: image as unknown as string,
        bodySerializer: (body: unknown) => body,
        headers: { ...init.headers, 'content-type': mediaType },
        signal: init.signal,
      }),
    );
  }

  /** The manager's variables for workers on `platform` ({blender}, {jobs}, …); no credentials needed. */
  variables(platform: string, signal?: AbortSignal): Promise<Reply<Schema<'ManagerVariables'>>> {
    return this.#call(() =>
      this.#client.GET('/api/v3/configuration/variables/{audience}/{platform}', { params: { path: { audience: 'workers', platform } }, ...this.#init(signal, false) }),
    );
  }

  #init(signal: AbortSignal | undefined, authenticated = true, timeoutMs = this.#requestTimeoutMs): { headers: Record<string, string>; signal: AbortSignal } {
    const timeout = AbortSignal.timeout(timeoutMs);
    return {
      headers: authenticated && this.#authorization ? { authorization: this.#authorization } : {},
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    };
  }

  async #call<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Reply<T>> {
    let result: { data?: T; error?: unknown; response: Response };
    try {
      result = await send();
    } catch (error) {
      return { reachable: false, message: describeNetworkError(error, this.url) };
    }
    const { response } = result;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      reachable: true,
      status: response.status,
      body: response.ok ? result.data : undefined,
      message: response.ok ? '' : errorMessage(result.error, response),
      errorBody: result.error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
}

function errorMessage(body: unknown, response: Response): string {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 500);
  return `${response.status} ${response.statusText}`.trim();
}

/** Why a request did not get an answer, in words for the worker's log. */
export function describeNetworkError(error: unknown, url: string): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return `the manager at ${url} did not answer in time`;
  if (name === 'AbortError') return 'the request was cancelled';
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return `nothing answers at ${url} (connection refused): is the manager running?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the manager's host name in ${url} cannot be resolved`;
  const detail = typeof cause?.message === 'string' ? cause.message : (error as Error | null)?.message ?? String(error);
  return `the manager at ${url} cannot be reached: ${detail}`;
}

/** Retry-After in seconds (what the manager sends) or as an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
