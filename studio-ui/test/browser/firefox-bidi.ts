// Debian's Firefox ESR driven over WebDriver BiDi, the standard protocol Firefox speaks natively
// (playwright-core drives only its own patched Firefox builds). Just what the Firefox checks
// need: open a page, read it with a script, and collect the console's errors.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../manager/test/support/manager-process.ts';

export const FIREFOX = process.env.TABLAO_FIREFOX ?? '/usr/bin/firefox-esr';

interface BidiMessage {
  id?: number;
  type?: string;
  method?: string;
  params?: { level?: string; text?: string };
  result?: Record<string, unknown>;
  error?: string;
  message?: string;
}

export class FirefoxPage {
  readonly errors: string[] = [];
  readonly #process: ChildProcess;
  readonly #socket: WebSocket;
  readonly #profile: string;
  readonly #waiting = new Map<number, (message: BidiMessage) => void>();
  #nextId = 1;
  #context = '';

  private constructor(process: ChildProcess, socket: WebSocket, profile: string) {
    this.#process = process;
    this.#socket = socket;
    this.#profile = profile;
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as BidiMessage;
      const waiting = message.id === undefined ? undefined : this.#waiting.get(message.id);
      if (waiting && message.id !== undefined) {
        this.#waiting.delete(message.id);
        waiting(message);
      } else if (message.method === 'log.entryAdded' && message.params?.level === 'error') {
        this.errors.push(message.params.text ?? '(no text)');
      }
    };
  }

  static async launch(): Promise<FirefoxPage> {
    if (!existsSync(FIREFOX)) {
      throw new Error(`the studio's Firefox checks need Firefox at ${FIREFOX}: install it with \`apt-get install firefox-esr\` (.ci/run does), or point TABLAO_FIREFOX at another Firefox`);
    }
    const profile = await mkdtemp(join(tmpdir(), 'tablao-firefox-'));
    const port = await freePort();
    const firefox = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', String(port)], { stdio: 'ignore' });
    let socket: WebSocket | undefined;
    for (let attempt = 0; attempt < 150 && !socket; attempt++) {
      socket = await openSocket(`ws://127.0.0.1:${port}/session`).catch(() => undefined);
      if (!socket) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!socket) {
      firefox.kill();
      throw new Error('Firefox did not open its WebDriver BiDi port');
    }
    const page = new FirefoxPage(firefox, socket, profile);
    await page.#send('session.new', { capabilities: {} });
    await page.#send('session.subscribe', { events: ['log.entryAdded'] });
    const tree = await page.#send('browsingContext.getTree', {});
    page.#context = (tree.contexts as { context: string }[])[0]!.context;
    return page;
  }

  async goto(url: string): Promise<void> {
    await this.#send('browsingContext.navigate', { context: this.#context, url, wait: 'complete' });
  }

  /** Evaluates `expression` in the page until it is truthy, and returns that value. */
  async waitFor(expression: string, timeoutMs = 15_000): Promise<unknown> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.#send('script.evaluate', { expression, target: { context: this.#context }, awaitPromise: true });
      const value = (result.result as { value?: unknown } | undefined)?.value;
      if (value) return value;
      if (Date.now() > end) throw new Error(`Firefox: ${expression} stayed false for ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close(): Promise<void> {
    this.#socket.close();
    this.#process.kill();
    await new Promise((resolve) => (this.#process.exitCode === null ? this.#process.once('exit', resolve) : resolve(undefined)));
    await rm(this.#profile, { recursive: true, force: true });
  }

  #send(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (message) =>
        message.type === 'error' ? reject(new Error(`Firefox ${method}: ${message.error}: ${message.message}`)) : resolve(message.result ?? {}),
      );
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`no WebSocket at ${url}`));
  });
}
