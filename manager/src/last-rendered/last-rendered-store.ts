// The newest rendered image of each job, in Flamenco's three sizes, as JPEG files in
// <data>/last-rendered/<job id>/, and which job got an image last (latest.json next to them).
// Files are written whole and then renamed into place, so a reader never sees half an image.
// Their URLs are Flamenco's: /job-files/job-<first 4 of job id>/<job id>/<file name>.

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastRenderedDir } from '../storage/job-deletion.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The sizes kept, largest first (as Flamenco's thumbnails; each fits in its box). */
export const LAST_RENDERED_SIZES = [
  { file: 'last-rendered.jpg', width: 1920, height: 1080 },
  { file: 'last-rendered-small.jpg', width: 600, height: 338 },
  { file: 'last-rendered-tiny.jpg', width: 200, height: 112 },
] as const;

export type LastRenderedFileName = (typeof LAST_RENDERED_SIZES)[number]['file'];

export interface LastRenderedInfo {
  base: string;
  suffixes: string[];
}

export function isLastRenderedFileName(name: string): name is LastRenderedFileName {
  return LAST_RENDERED_SIZES.some((size) => size.file === name);
}

export function lastRenderedInfo(jobId: string): LastRenderedInfo {
  return { base: `/job-files/job-${jobId.slice(0, 4)}/${jobId}`, suffixes: LAST_RENDERED_SIZES.map((size) => size.file) };
}

export class LastRenderedStore {
  readonly #dataDir: string;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  jobDir(jobId: string): string {
    if (!UUID.test(jobId)) throw new Error(`not a job id: ${jobId}`);
    return lastRenderedDir(this.#dataDir, jobId);
  }

  file(jobId: string, name: LastRenderedFileName): string {
    return join(this.jobDir(jobId), name);
  }

  /** A job has an image once its smallest size is there (it is written last). */
  async hasImage(jobId: string): Promise<boolean> {
    try {
      return (await stat(this.file(jobId, LAST_RENDERED_SIZES[LAST_RENDERED_SIZES.length - 1].file))).isFile();
    } catch {
      return false;
    }
  }

  /** Replaces the job's images (one JPEG per size, in LAST_RENDERED_SIZES order) and marks it the latest. */
  async save(jobId: string, images: readonly Buffer[]): Promise<void> {
    const dir = this.jobDir(jobId);
    await mkdir(dir, { recursive: true });
    for (const [index, size] of LAST_RENDERED_SIZES.entries()) {
      const image = images[index];
      if (image) await writeWhole(join(dir, size.file), image);
    }
    await writeWhole(this.#latestFile(), Buffer.from(JSON.stringify({ job_id: jobId })));
  }

  /** The job that got an image last, if it still has it. */
  async latestJob(): Promise<string | undefined> {
    let jobId: unknown;
    try {
      jobId = (JSON.parse(await readFile(this.#latestFile(), 'utf8')) as { job_id?: unknown }).job_id;
    } catch {
      return undefined;
    }
    return typeof jobId === 'string' && UUID.test(jobId) && (await this.hasImage(jobId)) ? jobId : undefined;
  }

  async deleteJob(jobId: string): Promise<void> {
    await rm(this.jobDir(jobId), { recursive: true, force: true });
  }

  #latestFile(): string {
    return join(this.#dataDir, 'last-rendered', 'latest.json');
  }
}

async function writeWhole(file: string, data: Buffer): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
