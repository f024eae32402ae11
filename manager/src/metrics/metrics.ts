// The manager's Prometheus metrics, in a registry of its own (so several managers in one process
// do not mix). Counts by status are read from the database at each scrape; durations are
// recorded by the code that does the work: `recordCompile` (job submission) and
// `recordDispatch` (handing a task to a worker), both in milliseconds.

import { Gauge, Histogram, Registry } from 'prom-client';
import { JOB_STATUSES, SCHEDULABLE_JOB_STATUSES, SCHEDULABLE_TASK_STATUSES, TASK_STATUSES, WORKER_STATUSES } from '../domain/statuses.ts';
import type { Database } from '../storage/database.ts';
import { countJobsByStatus, countWorkersByStatus } from '../storage/farm-counts.ts';

export class ManagerMetrics {
  readonly registry = new Registry();
  readonly #compile: Histogram;
  readonly #dispatch: Histogram;

  constructor(db: Database) {
    const registers = [this.registry];
    new Gauge({
      name: 'tablao_tasks',
      help: 'Tasks by status.',
      labelNames: ['status'],
      registers,
      async collect() {
        // From the counts the database keeps per job (migration 005): counting a farm's million tasks at each scrape would hold up everything else.
        const rows: { status: string; n: number | string }[] = await db('job_task_counts').groupBy('status').select('status').sum({ n: 'n' });
        setByStatus(this, TASK_STATUSES, Object.fromEntries(rows.map((row) => [row.status, Number(row.n)])));
      },
    });
    new Gauge({
      name: 'tablao_task_queue_depth',
      help: 'Tasks waiting for a worker: queued or soft-failed, in queued or active jobs.',
      registers,
      async collect() {
        const [row] = await db('job_task_counts')
          .join('jobs', 'jobs.id', 'job_task_counts.job_id')
          .whereIn('job_task_counts.status', SCHEDULABLE_TASK_STATUSES)
          .whereIn('jobs.status', SCHEDULABLE_JOB_STATUSES)
          .whereNull('jobs.delete_requested_at')
          .sum({ n: 'job_task_counts.n' });
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: 'tablao_jobs',
      help: 'Jobs by status (jobs being deleted left out).',
      labelNames: ['status'],
      registers,
      async collect() {
        setByStatus(this, JOB_STATUSES, await countJobsByStatus(db));
      },
    });
    new Gauge({
      name: 'tablao_workers',
      help: 'Workers by status (deleted workers left out).',
      labelNames: ['status'],
      registers,
      async collect() {
        setByStatus(this, WORKER_STATUSES, await countWorkersByStatus(db));
      },
    });
    this.#compile = new Histogram({
      name: 'tablao_job_compile_duration_seconds',
      help: 'Time to compile a submitted job with its job type script.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#dispatch = new Histogram({
      name: 'tablao_task_dispatch_duration_seconds',
      help: 'Time to choose and hand a task to a worker that asked for one.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }

  /** A job compilation took `ms` milliseconds. */
  recordCompile(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.#compile.observe(ms / 1000);
  }

  /** Choosing a task for a worker took `ms` milliseconds. */
  recordDispatch(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.#dispatch.observe(ms / 1000);
  }

  /** The metrics in Prometheus' text format. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}

/** Every known status gets a value, 0 when none is in it, so graphs have no gaps. */
function setByStatus(gauge: Gauge, statuses: readonly string[], counts: Partial<Record<string, number>>): void {
  gauge.reset();
  for (const status of new Set([...statuses, ...Object.keys(counts)])) gauge.set({ status }, counts[status] ?? 0);
}
