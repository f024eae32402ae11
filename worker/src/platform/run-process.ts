import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

import { abortError } from './abort.ts';
import { lineSplitter } from './line-splitter.ts';
import { spawnOptionsFor, type Platform } from './platform-rules.ts';
import { killLeftovers, killProcessTree } from './process-tree.ts';

// Runs an executable directly — never through a shell, so arguments arrive exactly as given —
// and hands over its output line by line while it runs. Aborting stops the process with its
// whole tree at once; the promise settles only after the process is gone.

export interface ProcessRequest {
  readonly executable: string;
  readonly args: readonly string[];
  readonly platform: Platform;
  readonly signal: AbortSignal;
  /** Every line the process writes to stdout or stderr, as it comes. */
  readonly onLine: (line: string) => void;
  /** The process is running. */
  readonly onStart?: (pid: number) => void;
  readonly cwd?: string;
}

export interface ProcessExit {
  readonly pid: number;
  /** Null when a signal ended the process. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The process could not be started at all: `code` is the system's reason (ENOENT, EACCES, …). */
export class ProcessStartError extends Error {
  override name = 'ProcessStartError';
  readonly code: string | undefined;
  readonly executable: string;

  constructor(executable: string, cause: NodeJS.ErrnoException) {
    super(`could not start ${executable}: ${cause.message}`, { cause });
    this.executable = executable;
    this.code = cause.code;
  }
}

/** Resolves when the process has ended (whatever its exit code); rejects with ProcessStartError, or with an AbortError after an abort. */
export function runProcess(request: ProcessRequest): Promise<ProcessExit> {
  const { signal, platform } = request;
  if (signal.aborted) return Promise.reject(abortError(signal));

  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(request.executable, request.args, {
      ...spawnOptionsFor(platform),
      cwd: request.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
  } catch (error) {
    // Node refuses some arguments before trying, e.g. text with a NUL character in it.
    return Promise.reject(new ProcessStartError(request.executable, error as NodeJS.ErrnoException));
  }

  return new Promise((resolve, reject) => {
    let pid: number | undefined;
    let aborted = false;
    let settled = false;

    const stop = (): void => {
      aborted = true;
      if (pid !== undefined) killProcessTree(pid, platform, () => child.kill('SIGKILL'));
    };
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', stop);
      outcome();
    };

    for (const stream of [child.stdout, child.stderr]) {
      const lines = lineSplitter(request.onLine);
      stream.on('data', (chunk: Buffer) => lines.push(chunk));
      stream.on('end', () => lines.end());
    }

    child.once('spawn', () => {
      pid = child.pid;
      if (pid === undefined) return;
      request.onStart?.(pid);
      // An abort that came while the process was starting could not stop it yet.
      if (aborted) stop();
    });
    signal.addEventListener('abort', stop, { once: true });

    // After the start, an error can only come from a failed kill; the tree kill's fallback covers that.
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (pid === undefined) settle(() => reject(new ProcessStartError(request.executable, error)));
    });
    child.once('exit', () => {
      if (pid !== undefined) killLeftovers(pid, platform);
    });
    child.once('close', (exitCode: number | null, exitSignal: NodeJS.Signals | null) => {
      if (pid === undefined) return;
      const ended = { pid, exitCode, signal: exitSignal };
      settle(() => (aborted ? reject(abortError(signal)) : resolve(ended)));
    });
  });
}
