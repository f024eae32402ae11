// Task dispatch over HTTP against a real manager process: 100,000 queued tasks (10 Simple
// Blender Render jobs of 10,000 independent render tasks) and 200 workers in this process, each
// asking for a task and reporting it completed, in a loop.
//
// Two phases, each bounded in time and in assignments:
// - flat out: every worker asks again as soon as its last task is reported. That measures how
//   many assignments per second the manager can make; the latency of a request then is mostly
//   its wait in the queue (200 workers / the rate, shared by two requests per cycle).
// - paced: the workers together ask at the goal's rate (or at 80% of what flat out reached, if
//   that is less), which is what the p99 goal is about: how long a worker waits for its task
//   while the manager keeps up with the farm.
// Every assignment is checked: no task may be handed out twice.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tablaoLaunchSettings } from '../bin/launch.ts';
import { launchManagerProcess } from '../manager/test/support/manager-process.ts';
import { BenchWorker } from './http-worker.ts';
import { renderJob, submitJob } from './render-job.ts';
import { percentile, type BenchRow } from './stats.ts';

const POSTGRES_URL = process.env.TABLAO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WORKERS = 200;
const JOBS = 10;
const FRAMES_PER_JOB = 10_000;
const TASK_TYPES = ['blender', 'ffmpeg', 'file-management', 'misc'];
/** Seconds of each phase, at most; `TABLAO_BENCH_DISPATCH_SECONDS` for shorter or longer runs. */
const PHASE_SECONDS = Number(process.env.TABLAO_BENCH_DISPATCH_SECONDS ?? 20);

const GOALS = {
  sqlite: { rate: 5_000, p99Ms: 20 },
  postgres: { rate: 2_000, p99Ms: undefined },
};

interface PhaseLimits {
  durationMs: number;
  maxAssignments: number;
  /** Assignments per second all workers together aim at; flat out when undefined. */
  rate?: number;
}

interface PhaseResult {
  assignments: number;
  seconds: number;
  /** Of every task request, in ms. */
  latencies: number[];
  /** Task requests answered "nothing for you" (204). */
  empty: number;
  clientCpu: number;
  managerCpu: number;
}

export async function dispatchBenchmarks(database: 'sqlite' | 'postgres'): Promise<BenchRow[]> {
  const manager = await launchManagerProcess({ database, postgresUrl: POSTGRES_URL });
  const workers: BenchWorker[] = [];
  try {
    for (let i = 0; i < JOBS; i++) await submitJob(manager.url, renderJob(`1-${FRAMES_PER_JOB}`));
    for (let i = 0; i < WORKERS; i++) workers.push(await BenchWorker.start(manager.url, `bench-${i + 1}`, TASK_TYPES));

    const handedOut = new Set<string>();
    const duplicates: string[] = [];
    const phase = (limits: PhaseLimits) => runPhase(manager.pid, workers, limits, handedOut, duplicates);
    // The task budget: 100,000 render tasks, never all used, so no worker runs out of work.
    await phase({ durationMs: 2_000, maxAssignments: 5_000 }); // warm-up
    const flat = await phase({ durationMs: PHASE_SECONDS * 1000, maxAssignments: 50_000 });
    const flatRate = flat.assignments / flat.seconds;
    const goal = GOALS[database];
    const pace = flatRate >= goal.rate * 1.1 ? goal.rate : Math.floor(flatRate * 0.8);
    const paced = await phase({ durationMs: Math.min(PHASE_SECONDS, 10) * 1000, maxAssignments: 35_000, rate: pace });
    if (duplicates.length > 0) throw new Error(`${duplicates.length} tasks were handed out twice, e.g. ${duplicates[0]}`);
    for (const worker of workers.splice(0)) worker.close();
    const floor = database === 'sqlite' ? await floorRate() : undefined;

    return [
      { what: `dispatch: assignments/s, ${WORKERS} workers flat out (${database})`, figure: `${flatRate.toFixed(0)}/s`, goal: `≥ ${goal.rate}/s` },
      ...(floor === undefined
        ? []
        : [
            { what: 'dispatch: floor now: bare node:http + SQLite claim and completion, same workers', figure: `${floor.toFixed(0)}/s` },
            { what: 'dispatch: manager / floor, flat out (sqlite)', figure: `${((100 * flatRate) / floor).toFixed(0)}%` },
          ]),
      { what: `dispatch: p50 / p99 of the task request, flat out (${database})`, figure: `${ms(percentile(flat.latencies, 50))} / ${ms(percentile(flat.latencies, 99))}` },
      {
        what: `dispatch: p50 / p99 of the task request at ${pace}/s (${database})`,
        figure: `${ms(percentile(paced.latencies, 50))} / ${ms(percentile(paced.latencies, 99))}`,
        ...(goal.p99Ms === undefined ? {} : { goal: `p99 ≤ ${goal.p99Ms} ms at ${goal.rate}/s` }),
      },
      { what: `dispatch: CPU of manager / of the ${WORKERS} workers, flat out (${database})`, figure: `${pct(flat.managerCpu)} / ${pct(flat.clientCpu)}` },
      { what: `dispatch: manager CPU time per assignment, flat out (${database})`, figure: `${((flat.managerCpu / flatRate) * 1e6).toFixed(0)} µs` },
      { what: `dispatch: tasks handed out, none twice; "no task" answers (${database})`, figure: `${handedOut.size}; ${flat.empty + paced.empty}` },
    ];
  } finally {
    for (const worker of workers) worker.close();
    await manager.cleanUp();
  }
}

/**
 * Assignments per second of floor-server.ts, flat out, with the same workers and the same task
 * budget: what this machine allows at the moment for two requests and two transactions a cycle.
 */
async function floorRate(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'tablao-floor-'));
  const launch = tablaoLaunchSettings();
  const server = spawn(process.execPath, [...launch.nodeOptions, new URL('./floor-server.ts', import.meta.url).pathname, join(dir, 'floor.sqlite'), '100000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...launch.env },
  });
  const workers: BenchWorker[] = [];
  try {
    const [line] = (await once(server.stdout!, 'data')) as [Buffer];
    const port = /listening on (\d+)/.exec(line.toString())?.[1];
    if (!port) throw new Error(`the floor server did not start: ${line.toString()}`);
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < WORKERS; i++) workers.push(await BenchWorker.start(url, `floor-${i + 1}`, TASK_TYPES));
    const handedOut = new Set<string>();
    const duplicates: string[] = [];
    await runPhase(server.pid!, workers, { durationMs: 2_000, maxAssignments: 5_000 }, handedOut, duplicates);
    const flat = await runPhase(server.pid!, workers, { durationMs: Math.min(PHASE_SECONDS, 10) * 1000, maxAssignments: 90_000 }, handedOut, duplicates);
    if (duplicates.length > 0) throw new Error(`the floor server handed out ${duplicates.length} tasks twice`);
    return flat.assignments / flat.seconds;
  } finally {
    for (const worker of workers) worker.close();
    server.kill('SIGTERM');
    await once(server, 'exit');
    await rm(dir, { recursive: true, force: true });
  }
}

async function runPhase(pid: number, workers: BenchWorker[], limits: PhaseLimits, handedOut: Set<string>, duplicates: string[]): Promise<PhaseResult> {
  const latencies: number[] = [];
  let assignments = 0;
  let empty = 0;
  const start = performance.now();
  const end = start + limits.durationMs;
  const cpuBefore = process.cpuUsage();
  const managerBefore = await processCpuSeconds(pid);
  // Each worker's own cycle, when paced: all of them together make `rate` cycles per second.
  const interval = limits.rate === undefined ? 0 : (workers.length / limits.rate) * 1000;

  const loop = async (worker: BenchWorker): Promise<void> => {
    let next = start + Math.random() * interval;
    while (assignments < limits.maxAssignments) {
      if (interval > 0) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next = Math.max(next + interval, performance.now());
      }
      if (performance.now() >= end) return;
      const asked = performance.now();
      const taskId = await worker.askForTask();
      latencies.push(performance.now() - asked);
      if (taskId === undefined) {
        empty++;
        continue;
      }
      assignments++;
      if (handedOut.has(taskId)) duplicates.push(taskId);
      handedOut.add(taskId);
      await worker.complete(taskId);
    }
  };
  await Promise.all(workers.map(loop));

  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    assignments,
    seconds,
    latencies,
    empty,
    clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    managerCpu: ((await processCpuSeconds(pid)) - managerBefore) / seconds,
  };
}

/** User + system CPU seconds of a process so far, from /proc (Linux). */
async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(1)} ms`;
}

function pct(share: number): string {
  return Number.isNaN(share) ? '–' : `${(share * 100).toFixed(0)}%`;
}
