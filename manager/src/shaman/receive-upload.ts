// Receiving one uploaded file: written to a temporary file in `uploading` as it arrives while
// its SHA-256 is computed, then renamed into `stored` — only when its size and checksum are
// the ones the client declared. Whatever happens, the temporary file goes; a stored file is
// always complete and verified.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { storedBlobPath, uploadPath, type BlobId, type ShamanLayout } from './store-layout.ts';
import type { UploadsInFlight } from './uploads-in-flight.ts';

/** `stored`: this upload stored the file; `already-stored`: it was (or just became) stored; `defer`: someone else is uploading it. */
export type UploadOutcome = 'stored' | 'already-stored' | 'defer';

/** The body is not the file the URL declares (Flamenco answers 417). */
export class UploadMismatch extends Error {}

/** The body ended early: the client went away or its connection broke. */
export class UploadInterrupted extends Error {}

export interface UploadRequest {
  blob: BlobId;
  body: Readable;
  /** The client can upload this file later when someone else is uploading it now. */
  canDefer: boolean;
}

export async function isStored(layout: ShamanLayout, blob: BlobId): Promise<boolean> {
  try {
    return (await stat(storedBlobPath(layout, blob))).isFile();
  } catch {
    return false;
  }
}

export async function receiveUpload(layout: ShamanLayout, uploads: UploadsInFlight, request: UploadRequest): Promise<UploadOutcome> {
  const { blob, body } = request;
  if (await isStored(layout, blob)) return 'already-stored';
  if (request.canDefer && uploads.isUploading(blob)) return 'defer';

  const ticket = uploads.begin(blob);
  const temporary = uploadPath(layout, blob, randomBytes(6).toString('hex'));
  try {
    const file = await inFreshFolder(temporary, () => open(temporary, 'wx'));
    const hash = createHash('sha256');
    let received = 0;
    try {
      // The request stream is not destroyed when reading stops early, so that the client
      // still gets its answer; what it sends after that is read and dropped.
      for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        if (ticket.signal.aborted) break;
        received += chunk.length;
        if (received > blob.size) continue; // counted, to say how large it really is
        hash.update(chunk);
        await file.write(chunk);
      }
      if (received <= blob.size && !ticket.signal.aborted) await file.datasync();
    } catch (error) {
      // Writing failed (a full disk): the manager's problem, not the client's.
      if (['write', 'fsync', 'fdatasync'].includes((error as NodeJS.ErrnoException).syscall ?? '')) throw error;
      throw new UploadInterrupted(`the upload ended after ${received} of ${blob.size} bytes (${(error as Error).message}); nothing was stored — send the file again`, {
        cause: error,
      });
    } finally {
      await file.close();
      if (!body.readableEnded) body.resume();
    }
    if (ticket.signal.aborted) return 'already-stored';

    if (received !== blob.size) {
      throw new UploadMismatch(`file size mismatch: the URL declares ${blob.size} bytes but ${received} were received; nothing was stored`);
    }
    const actual = hash.digest('hex');
    if (actual !== blob.sha.toLowerCase()) {
      throw new UploadMismatch(`file SHA-256 mismatch: the URL declares ${blob.sha.toLowerCase()} but the received bytes have ${actual}; nothing was stored`);
    }
    // One upload per file gets past here; an earlier one that already ended left the file stored.
    if (!ticket.claimStore() || (await isStored(layout, blob))) return 'already-stored';
    const target = storedBlobPath(layout, blob);
    await inFreshFolder(target, () => rename(temporary, target));
    return 'stored';
  } finally {
    ticket.end();
    await rm(temporary, { force: true });
    await removeEmptyFolders(dirname(temporary), 2);
  }
}

/**
 * Runs `work`, which makes `path`, after making its folder; again when the folder vanished in
 * between (another upload or the garbage collector removes folders once they are empty).
 */
async function inFreshFolder<T>(path: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(dirname(path), { recursive: true });
    try {
      return await work();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/** Removes `dir` and up to `levels - 1` folders above it while they are empty. */
export async function removeEmptyFolders(dir: string, levels: number): Promise<void> {
  let current = dir;
  for (let i = 0; i < levels; i++) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}
