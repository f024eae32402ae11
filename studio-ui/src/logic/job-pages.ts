// The jobs list as pages fetched on demand: which rows are known, which pages are missing, and
// live job events applied to loaded rows. Pure, so the virtualised list and its tests share it.

import type { Schema } from '@tablao/api-client';

export type Job = Schema<'Job'>;
export type JobEvent = Schema<'EventJobUpdate'>;

export class JobPages {
  readonly pageSize: number;
  total = 0;
  readonly #pages = new Map<number, Job[]>();
  readonly #rowOf = new Map<string, { page: number; index: number }>();

  constructor(pageSize: number) {
    this.pageSize = pageSize;
  }

  has(page: number): boolean {
    return this.#pages.has(page);
  }

  store(page: number, jobs: Job[], total: number): void {
    this.total = total;
    this.#pages.set(page, jobs);
    jobs.forEach((job, index) => this.#rowOf.set(job.id, { page, index }));
  }

  clear(): void {
    this.#pages.clear();
    this.#rowOf.clear();
  }

  /** The job in row `row`, when its page is loaded. */
  row(row: number): Job | undefined {
    return this.#pages.get(Math.floor(row / this.pageSize))?.[row % this.pageSize];
  }

  /**
   * Applies a job event to a loaded row. Returns 'updated', or 'reload' when the rows
   * themselves change (a new or deleted job), or 'unknown' for jobs on pages not loaded.
   */
  apply(event: JobEvent): 'updated' | 'reload' | 'unknown' {
    if (event.was_deleted || event.previous_status === undefined) return 'reload';
    const at = this.#rowOf.get(event.id);
    const page = at && this.#pages.get(at.page);
    const job = page?.[at!.index];
    if (!job || job.id !== event.id) return 'unknown';
    page![at!.index] = {
      ...job,
      status: event.status,
      updated: event.updated,
      priority: event.priority,
      steps_completed: event.steps_completed,
      steps_total: event.steps_total,
      ...(event.name !== undefined ? { name: event.name } : {}),
    };
    return 'updated';
  }
}
