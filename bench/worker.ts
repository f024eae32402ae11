// The worker's own overhead per task, against a real manager process on the loopback:
// - from the assignment (the answer to "give me a task" arriving) to the first command's start:
//   the worker reads the task, tells the manager it started (one round trip) and starts the command;
// - from the last command's end to the manager knowing (its answer to the "completed" update,
//   which also carries the gathered log lines and the step count).
// The commands are the real echo and a zero-second sleep, so what is measured is the worker.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { launchManagerProcess } from '../manager/test/support/manager-process.ts';
import { commandRunners } from '../worker/src/commands/index.ts';
import { loadWorkerConfig } from '../worker/src/config/worker-config.ts';
import { startWorker } from '../worker/src/worker.ts';
import { median, percentile, type BenchRow } from './stats.ts';

const TASKS = Number(process.env.TABLAO_BENCH_WORKER_TASKS ?? 300);
const WARM_UP = 20;
const QUICK = { initialMs: 5, maximumMs: 50, factor: 1.5, jitter: 0.1 };

export async function workerBenchmarks(): Promise<BenchRow[]> {
  const manager = await launchManagerProcess({ database: 'sqlite' });
  const dataDir = await mkdtemp(join(tmpdir(), 'tablao-bench-worker-'));
  try {
    let assignedAt = 0;
    const started = new Map<string, number>();
    const ended = new Map<string, number>();
    const startOverhead: number[] = [];
    const endOverhead: number[] = [];

    const measuringFetch = async (request: Request): Promise<Response> => {
      const path = new URL(request.url).pathname;
      const completion = request.method === 'POST' && /\/worker\/task\/[^/]+$/.test(path) && (await request.clone().text()).includes('"taskStatus":"completed"');
      const response = await fetch(request);
      const now = performance.now();
      if (request.method === 'POST' && path === '/api/v3/worker/task' && response.status === 200) assignedAt = now;
      if (completion && response.status === 204) {
        const taskId = path.split('/').at(-1)!;
        const end = ended.get(taskId);
        if (end !== undefined) endOverhead.push(now - end);
      }
      return response;
    };

    const config = await loadWorkerConfig({ dataDir, managerUrl: manager.url, workerName: 'bench-worker' });
    const worker = await startWorker({
      config,
      commandRunners,
      environment: { allowedExecutables: [], platform: process.platform },
      log: pino({ level: 'silent' }),
      timing: { noTaskBackoff: QUICK, unreachableBackoff: QUICK },
      fetch: measuringFetch,
      onCommand: (event, taskId) => {
        const now = performance.now();
        if (event === 'start' && !started.has(taskId)) {
          started.set(taskId, now);
          startOverhead.push(now - assignedAt);
        }
        if (event === 'end') ended.set(taskId, now);
      },
    });

    const submitted = await fetch(`${manager.url}/api/v3/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'worker overhead',
        type: 'echo-sleep-test',
        priority: 50,
        submitter_platform: 'linux',
        settings: { message: 'bench', sleep_duration_seconds: 0, sleep_repeats: TASKS - 1 },
      }),
    });
    if (submitted.status !== 200) throw new Error(`submission failed: ${submitted.status} ${await submitted.text()}`);
    const deadline = Date.now() + 120_000;
    while (endOverhead.length < TASKS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.stop();
    if (endOverhead.length < TASKS) throw new Error(`the worker ran ${endOverhead.length} of ${TASKS} tasks in two minutes`);

    const start = startOverhead.slice(WARM_UP);
    const end = endOverhead.slice(WARM_UP);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    return [
      { what: `worker: task assigned → command started, median (p95), ${start.length} tasks`, figure: `${ms(median(start))} (${ms(percentile(start, 95))})`, goal: '≤ 50 ms' },
      { what: `worker: command ended → manager knows, median (p95), ${end.length} tasks`, figure: `${ms(median(end))} (${ms(percentile(end, 95))})`, goal: '≤ 50 ms' },
    ];
  } finally {
    await manager.cleanUp();
    await rm(dataDir, { recursive: true, force: true });
  }
}
