import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

// Looking at real processes on Linux, for the tests that stop process trees.

/** Whether a process has ended: it no longer exists, or is a zombie waiting for its parent to collect it. */
export function hasEnded(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Waits until the process has ended; false if it still runs after a generous wait (SIGKILL takes effect at once, but the kernel needs a moment). */
export async function ends(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (hasEnded(pid)) return true;
    await delay(20);
  }
  return false;
}

/** The process ids a fixture wrote to a file, once it has written them. */
export async function pidsFrom(file: string): Promise<number[]> {
  for (let attempt = 0; attempt < 250; attempt++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.endsWith('\n')) return text.trim().split(/\s+/).map(Number);
    await delay(20);
  }
  throw new Error(`${file} was never written`);
}
