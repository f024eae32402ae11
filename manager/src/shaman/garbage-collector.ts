// Removes stored files nobody needs any more (Flamenco's `shaman.garbageCollect`): a file goes
// when no link in a checkout (or in an extra checkout path) points at it and it was last
// uploaded, asked for or checked out longer than `maxAge` ago. Uploads abandoned for that
// long go too. Runs in the background every `period` while Shaman is on; tests call
// `collectNow` with a clock of their own.

import { lstat, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { isShamanEnabled, type ManagerConfig } from '../config/config.ts';
import { removeEmptyFolders } from './receive-upload.ts';
import { shamanLayout } from './store-layout.ts';

export interface GarbageCollectorServices {
  config: ManagerConfig;
  clock: Clock;
  log: Logger;
}

export interface GarbageCollectionRound {
  /** Stored files older than the maximum age. */
  oldFiles: number;
  /** Old files still linked from a checkout, which stay. */
  stillUsed: number;
  deleted: number;
  bytesDeleted: number;
  abandonedUploadsDeleted: number;
}

/** Flamenco waits a little after start before the first round. */
const FIRST_ROUND_AFTER_MS = 30_000;

export class ShamanGarbageCollector {
  readonly #services: GarbageCollectorServices;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(services: GarbageCollectorServices) {
    this.#services = services;
  }

  /** Starts the rounds when the configuration enables Shaman and a period. */
  start(): void {
    const period = this.#services.config.shaman?.garbageCollect.periodMs ?? 0;
    if (this.#services.config.shaman?.enabled !== true || period <= 0) return;
    this.#stopped = false;
    this.#next(FIRST_ROUND_AFTER_MS, period);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async collectNow(): Promise<GarbageCollectionRound> {
    const round: GarbageCollectionRound = { oldFiles: 0, stillUsed: 0, deleted: 0, bytesDeleted: 0, abandonedUploadsDeleted: 0 };
    const { config, clock } = this.#services;
    if (!isShamanEnabled(config) || config.shaman === undefined) return round;
    const layout = shamanLayout(config.sharedStoragePath);
    const threshold = clock().getTime() - config.shaman.garbageCollect.maxAgeMs;

    const old = await filesOlderThan(layout.stored, threshold);
    round.oldFiles = old.size;
    if (old.size > 0) {
      for (const folder of [layout.checkouts, ...config.shaman.garbageCollect.extraCheckoutPaths]) {
        for (const target of await linkTargets(folder)) old.delete(target);
      }
      round.stillUsed = round.oldFiles - old.size;
      for (const [path, mtimeMs] of old) {
        if (this.#stopped) break;
        const bytes = await deleteIfUntouched(path, mtimeMs);
        if (bytes === undefined) continue;
        round.deleted++;
        round.bytesDeleted += bytes;
      }
    }
    for (const [path, mtimeMs] of await filesOlderThan(layout.uploading, threshold)) {
      if ((await deleteIfUntouched(path, mtimeMs)) !== undefined) round.abandonedUploadsDeleted++;
    }
    if (round.deleted + round.abandonedUploadsDeleted > 0) this.#services.log.info({ ...round }, 'shaman: removed files no checkout uses');
    return round;
  }

  #next(delayMs: number, periodMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.collectNow()
        .catch((error: unknown) => this.#services.log.error({ err: error }, 'shaman: garbage collection failed; trying again at the next round'))
        .finally(() => {
          this.#running = undefined;
          this.#next(periodMs, periodMs);
        });
    }, delayMs);
    this.#timer.unref();
  }
}

/** Every file under `folder` (by real path) last modified before `threshold`, with its mtime. */
async function filesOlderThan(folder: string, threshold: number): Promise<Map<string, number>> {
  const old = new Map<string, number>();
  let root: string;
  try {
    root = await realpath(folder);
  } catch {
    return old;
  }
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const mtimeMs = await lstat(path).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (mtimeMs !== undefined && mtimeMs < threshold) old.set(path, mtimeMs);
  }
  return old;
}

/** The real paths that the symbolic links under `folder` lead to (links to nothing are skipped). */
async function linkTargets(folder: string): Promise<Set<string>> {
  const targets = new Set<string>();
  let entries;
  try {
    entries = await readdir(folder, { recursive: true, withFileTypes: true });
  } catch {
    return targets;
  }
  for (const entry of entries) {
    if (!entry.isSymbolicLink()) continue;
    const target = await realpath(join(entry.parentPath, entry.name)).catch(() => undefined);
    if (target !== undefined) targets.add(target);
  }
  return targets;
}

/** Deletes the file unless it was touched since it was found old; the bytes freed, or undefined. */
async function deleteIfUntouched(path: string, mtimeMs: number): Promise<number | undefined> {
  try {
    const now = await stat(path);
    if (now.mtimeMs > mtimeMs) return undefined;
    await unlink(path);
    await removeEmptyFolders(dirname(path), 2);
    return now.size;
  } catch {
    return undefined;
  }
}
