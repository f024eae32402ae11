// How a Tablao service process is started: the settings on the first line of bin/tablao.js,
// so that `npm start`, the systemd units, tests and benchmarks run the manager and the worker
// alike. They keep a long-running process small:
// - V8's young generation may otherwise grow to 128 MB after a few big job submissions and
//   keep it; 8 MB semi-spaces cost no measurable speed.
// - V8 lets the main heap grow to up to 4× what survived its last full GC before collecting
//   again. A 10,000-task submission leaves ≈ 25 MB of garbage there (the compiled job's JSON
//   and objects, the task rows), so after a burst the heap stood at 90–140 MB for ≈ 30 MB live
//   and stayed so while idle. At 1.5× (--heap-growing-percent=50) it runs a full GC every one
//   or two submissions instead of every six (≈ 15–30 ms of main thread each, most marking is
//   concurrent): RSS right after submitting 1,000,000 tasks ≈ 320 → 225 MB, 20 s later 195.
// - glibc keeps freed memory of the big submissions in its arenas; lower thresholds give
//   large blocks back to the system. It also made an arena for nearly every thread that
//   allocates (≈ 15: compile isolates, V8's and libuv's helpers), each keeping some free
//   memory; two hold the same with ≈ 10 MB less.
// - libuv's io_uring runs file opens on the main thread, where creating a task's log file then
//   holds up every request; without it they go to the thread pool (dispatch ≈ 1.4× faster).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TABLAO_SCRIPT = fileURLToPath(new URL('./tablao.js', import.meta.url));

export interface LaunchSettings {
  /** Environment variables to set for the process. */
  env: Record<string, string>;
  /** Options for node, before the script. */
  nodeOptions: string[];
}

/** The settings of a `#!/usr/bin/env -S VAR=value … node --flag …` line. */
export function parseLaunchLine(line: string): LaunchSettings {
  const match = /^#!\S*env -S (.*)$/.exec(line.trim());
  if (!match) return { env: {}, nodeOptions: [] };
  const words = match[1]!.split(/\s+/).filter(Boolean);
  const nodeAt = words.indexOf('node');
  const env: Record<string, string> = {};
  for (const word of words.slice(0, Math.max(0, nodeAt))) {
    const [name, ...value] = word.split('=');
    if (name && value.length > 0) env[name] = value.join('=');
  }
  return { env, nodeOptions: nodeAt < 0 ? [] : words.slice(nodeAt + 1) };
}

export function tablaoLaunchSettings(): LaunchSettings {
  return parseLaunchLine(readFileSync(TABLAO_SCRIPT, 'utf8').split('\n', 1)[0] ?? '');
}
