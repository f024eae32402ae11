// The few worker-protocol calls the dispatch benchmark makes, each worker on a keep-alive
// connection of its own. HTTP/1.1 is written and read here by hand (Content-Length bodies
// only, which is all the manager sends): node:http's client costs several times the CPU, and
// on this machine the workers and the manager share the processor, so every microsecond the
// workers spend is one the manager does not get.

import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface Answer {
  status: number;
  text: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection that sends one request at a time. */
export class HttpConnection {
  readonly #socket: Socket;
  readonly #host: string;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: { resolve: (answer: Answer) => void; reject: (error: Error) => void } | undefined;

  private constructor(socket: Socket, host: string) {
    this.#socket = socket;
    this.#host = host;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('the manager closed the connection')));
  }

  static open(baseUrl: string): Promise<HttpConnection> {
    const url = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => resolve(new HttpConnection(socket, url.host)));
      socket.once('error', reject);
    });
  }

  send(method: string, path: string, authorization: string | undefined, body?: unknown): Promise<Answer> {
    if (this.#waiting) throw new Error('one request at a time on a connection');
    const payload = body === undefined ? '' : JSON.stringify(body);
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.#host}\r\n`;
    if (authorization !== undefined) head += `Authorization: ${authorization}\r\n`;
    if (body !== undefined) head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n`;
    else if (method !== 'GET') head += 'Content-Length: 0\r\n';
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(`${head}\r\n${payload}`);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headerEnd = this.#buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.#buffer.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length && /\r\ntransfer-encoding:/i.test(head)) return this.#fail(new Error(`a body without Content-Length: ${head}`));
    const bodyEnd = headerEnd + 4 + Number(length?.[1] ?? 0);
    if (this.#buffer.length < bodyEnd) return;
    const text = this.#buffer.toString('utf8', headerEnd + 4, bodyEnd);
    this.#buffer = this.#buffer.subarray(bodyEnd);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ status, text });
  }

  #fail(error: Error): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }
}

/** A registered, awake worker that asks for tasks and completes them. */
export class BenchWorker {
  readonly id: string;
  readonly #connection: HttpConnection;
  readonly #authorization: string;

  private constructor(connection: HttpConnection, id: string, secret: string) {
    this.#connection = connection;
    this.id = id;
    this.#authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }

  /** Registers, signs on and reports the status it is asked for. */
  static async start(baseUrl: string, name: string, taskTypes: string[]): Promise<BenchWorker> {
    const connection = await HttpConnection.open(baseUrl);
    const secret = randomBytes(32).toString('hex');
    const registered = await connection.send('POST', '/api/v3/worker/register-worker', undefined, {
      secret,
      platform: 'linux',
      supported_task_types: taskTypes,
      name,
    });
    if (registered.status !== 200) throw new Error(`registering ${name}: ${registered.status} ${registered.text}`);
    const worker = new BenchWorker(connection, (JSON.parse(registered.text) as { uuid: string }).uuid, secret);
    const signedOn = await worker.#call('POST', '/api/v3/worker/sign-on', { name, supported_task_types: taskTypes, software_version: 'bench 1.0' });
    if (signedOn.status !== 200) throw new Error(`signing on ${name}: ${signedOn.status} ${signedOn.text}`);
    const status = (JSON.parse(signedOn.text) as { status_requested: string }).status_requested;
    const changed = await worker.#call('POST', '/api/v3/worker/state-changed', { status });
    if (changed.status !== 204) throw new Error(`${name} reporting ${status}: ${changed.status} ${changed.text}`);
    return worker;
  }

  /** The id of the task the manager hands out, or undefined when it has none (204). */
  async askForTask(): Promise<string | undefined> {
    const answer = await this.#call('POST', '/api/v3/worker/task');
    if (answer.status === 204) return undefined;
    if (answer.status !== 200) throw new Error(`asking for a task: ${answer.status} ${answer.text}`);
    return (JSON.parse(answer.text) as { uuid: string }).uuid;
  }

  async complete(taskId: string): Promise<void> {
    const answer = await this.#call('POST', `/api/v3/worker/task/${taskId}`, { taskStatus: 'completed', activity: 'Completed' });
    if (answer.status !== 204) throw new Error(`completing ${taskId}: ${answer.status} ${answer.text}`);
  }

  close(): void {
    this.#connection.close();
  }

  #call(method: string, path: string, body?: unknown): Promise<Answer> {
    return this.#connection.send(method, path, this.#authorization, body);
  }
}
